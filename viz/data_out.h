// The window as data, with token strings: the lab's "Save data" (CSV and JSON), `wfc generate
// --trace` and `wfc export`'s frames.jsonl all write rows through these, so a token's text, a
// status name and a column order are written one way.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/trace.h"

namespace wfc::viz {

// Display text of each id (the vocabulary the lab shows; "?" outside it or without one).
std::vector<std::string> token_texts(const std::vector<int32_t>& ids, const std::vector<std::string>* vocab);

// Per-row arrays of a step with the token strings beside the ids: argmax_text [L], topk_text [L*k].
void add_token_texts(nlohmann::json& j, const StepReport& r, const std::vector<std::string>* vocab);

// One object per window row: position (absolute), row, status, entropy, alpha, argmax {id, text},
// topk [{id, text, p}], plus the step's iteration, offset and n_past.
nlohmann::json rows_json(const StepReport& r, int64_t offset, const std::vector<std::string>* vocab);

// The same rows as CSV with a header: position,row,status,entropy,alpha,argmax_id,argmax_text,
// top1_id,top1_text,top1_p,... (RFC 4180 quoting).
std::string rows_csv(const StepReport& r, int64_t offset, const std::vector<std::string>* vocab);

// JSON text that never throws on a token that is not valid UTF-8 (byte pieces): bad bytes become
// U+FFFD.
std::string json_text(const nlohmann::json& j, int indent = -1);

}  // namespace wfc::viz
