#include "model/numbers.h"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <thread>

#include "model/errors.h"

namespace wfc::num {

namespace {

// What the user typed, quoted, never more than a line's worth (a 1 MB argument is not echoed).
std::string quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string s;
  for (char c : text.substr(0, kMax)) s += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) s += "...";
  return "'" + s + "'";
}

[[noreturn]] void fail(const std::string& what, const std::string& expected, const std::string& got) {
  throw InputError(what + ": expected " + expected + ", got " + got);
}

std::string int_text(int64_t v) { return std::to_string(v); }

}  // namespace

std::string IntRange::str() const {
  const std::string l = lo == std::numeric_limits<int64_t>::min() ? "..." : int_text(lo);
  const std::string h = hi == std::numeric_limits<int64_t>::max() ? "..." : int_text(hi);
  return "[" + l + ", " + h + (hi == std::numeric_limits<int64_t>::max() ? ")" : "]");
}

bool FloatRange::contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string FloatRange::str() const {
  auto end = [](double v) { return std::isinf(v) ? std::string(v < 0 ? "-inf" : "inf") : format_float(v); };
  return std::string(lo_open || std::isinf(lo) ? "(" : "[") + end(lo) + ", " + end(hi) +
         (hi_open || std::isinf(hi) ? ")" : "]");
}

std::string format_float(double v) {
  char b[32];
  const auto r = std::to_chars(b, b + sizeof b, v);  // the shortest text that reads back exactly
  return std::string(b, r.ptr);
}

IntRange thread_range() {
  const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
  return {1, 4 * cores};
}

int64_t check_int(int64_t v, const std::string& what, IntRange r) {
  if (v < r.lo || v > r.hi) fail(what, "an integer in " + r.str(), int_text(v));
  return v;
}

double check_float(double v, const std::string& what, FloatRange r) {
  if (!r.contains(v)) fail(what, "a number in " + r.str(), std::isfinite(v) ? format_float(v) : std::to_string(v));
  return v;
}

int64_t parse_int(std::string_view text, const std::string& what, IntRange r) {
  int64_t v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto res = std::from_chars(b, e, v, 10);
  if (text.empty() || res.ec == std::errc::invalid_argument || res.ptr != e)
    fail(what, "an integer in " + r.str(), quoted(text));
  if (res.ec == std::errc::result_out_of_range)
    fail(what, "an integer in " + r.str(), quoted(text) + " (too large)");
  if (v < r.lo || v > r.hi) fail(what, "an integer in " + r.str(), quoted(text));
  return v;
}

uint64_t parse_uint(std::string_view text, const std::string& what) {
  uint64_t v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto res = std::from_chars(b, e, v, 10);
  const std::string range = "an integer in [0, 18446744073709551615]";
  if (text.empty() || res.ec == std::errc::invalid_argument || res.ptr != e) fail(what, range, quoted(text));
  if (res.ec == std::errc::result_out_of_range) fail(what, range, quoted(text) + " (too large)");
  return v;
}

double parse_float(std::string_view text, const std::string& what, FloatRange r) {
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  const auto res = std::from_chars(b, e, v, std::chars_format::general);
  if (text.empty() || res.ec == std::errc::invalid_argument || res.ptr != e)
    fail(what, "a number in " + r.str(), quoted(text));
  if (res.ec == std::errc::result_out_of_range || !std::isfinite(v))
    fail(what, "a finite number in " + r.str(), quoted(text));
  if (!r.contains(v)) fail(what, "a number in " + r.str(), quoted(text));
  return v;
}

}  // namespace wfc::num
