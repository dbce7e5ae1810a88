#include "model/json_io.h"

#include <cmath>
#include <limits>

#include "model/errors.h"

namespace wfc {

using nlohmann::json;

int json_text_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

json parse_json(std::string_view text, const std::string& name, int max_depth) {
  if (json_text_depth(text, max_depth) > max_depth)
    throw file_error(name, "JSON nests deeper than " + std::to_string(max_depth) + " levels");
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string m = e.what();
    if (m.size() > 200) m = m.substr(0, 200) + "...";  // nlohmann quotes the text it stopped at
    throw file_error(name, "not valid JSON: " + m);
  }
}

namespace {

// The value as the user wrote it, never more than a line's worth.
std::string shown(const json& v) {
  std::string s = v.is_structured() ? (v.is_object() ? "an object" : "an array") : v.dump();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return s;
}

[[noreturn]] void wrong(const std::string& what, const std::string& expected, const json& v) {
  throw InputError(what + ": expected " + expected + ", got " + shown(v));
}

int64_t get_int64(const json& v, const std::string& what, num::IntRange r) {
  // nlohmann keeps integers above INT64_MAX as unsigned; bool and 4.5 are not integers.
  if (!v.is_number_integer()) wrong(what, "an integer in " + r.str(), v);
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
    wrong(what, "an integer in " + r.str(), v);
  const int64_t n = v.get<int64_t>();
  if (n < r.lo || n > r.hi) wrong(what, "an integer in " + r.str(), v);
  return n;
}

double get_double(const json& v, const std::string& what, num::FloatRange r) {
  if (!v.is_number()) wrong(what, "a number in " + r.str(), v);
  const double d = v.get<double>();
  if (!r.contains(d)) wrong(what, "a number in " + r.str(), v);
  return d;
}

}  // namespace

void json_get(const json& v, const std::string& what, int& out, num::IntRange r) {
  r.lo = std::max<int64_t>(r.lo, std::numeric_limits<int>::min());  // never wraps to 32 bits
  r.hi = std::min<int64_t>(r.hi, std::numeric_limits<int>::max());
  out = int(get_int64(v, what, r));
}

void json_get(const json& v, const std::string& what, int64_t& out, num::IntRange r) { out = get_int64(v, what, r); }

void json_get(const json& v, const std::string& what, uint64_t& out, AnyValue) {
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0))
    wrong(what, "an integer in [0, 18446744073709551615]", v);
  out = v.get<uint64_t>();
}

void json_get(const json& v, const std::string& what, double& out, num::FloatRange r) { out = get_double(v, what, r); }

void json_get(const json& v, const std::string& what, float& out, num::FloatRange r) {
  const double d = get_double(v, what, r);
  if (std::fabs(d) > double(std::numeric_limits<float>::max()))
    wrong(what, "a number in " + r.str() + " that fits a 32-bit float", v);
  out = float(d);
}

void json_get(const json& v, const std::string& what, bool& out, AnyValue) {
  if (!v.is_boolean()) wrong(what, "true or false", v);
  out = v.get<bool>();
}

void json_get(const json& v, const std::string& what, std::string& out, AnyValue) {
  if (!v.is_string()) wrong(what, "a string", v);
  out = v.get<std::string>();
}

}  // namespace wfc
