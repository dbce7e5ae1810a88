// JSON from untrusted text (config files, checkpoint metadata, safetensors headers), read with
// the strict number rules of model/numbers.h. Torch-free.
//   - nesting is bounded before nlohmann parses (its parser, dump() and destructor recurse on
//     some paths, and a 60,000-deep train_config used to overflow the stack in `wfc info`);
//   - a field's JSON type must be the field's type: `true` or `4.5` is not an integer, "64" is
//     not a number, 4294967360 does not wrap into an int.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/numbers.h"

namespace wfc {

constexpr int kMaxJsonDepth = 64;  // our configs nest 3 deep; a safetensors header 3

// Throws InputError "NAME: not valid JSON: ..." or "NAME: JSON nests deeper than 64 levels".
nlohmann::json parse_json(std::string_view text, const std::string& name, int max_depth = kMaxJsonDepth);
// Nesting depth of text, counting only brackets outside strings; stops counting past `limit`.
int json_text_depth(std::string_view text, int limit);

// Typed reads of one JSON value. WHAT names it in errors ("model config: n_embd").
void json_get(const nlohmann::json& v, const std::string& what, int& out, num::IntRange r);
void json_get(const nlohmann::json& v, const std::string& what, int64_t& out, num::IntRange r);
struct AnyValue {};  // strings, booleans and seeds carry no range
void json_get(const nlohmann::json& v, const std::string& what, uint64_t& out, AnyValue = {});
void json_get(const nlohmann::json& v, const std::string& what, double& out, num::FloatRange r);
void json_get(const nlohmann::json& v, const std::string& what, float& out, num::FloatRange r);
void json_get(const nlohmann::json& v, const std::string& what, bool& out, AnyValue = {});
void json_get(const nlohmann::json& v, const std::string& what, std::string& out, AnyValue = {});

}  // namespace wfc
