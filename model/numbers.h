// The one strict parser for numbers written by people: command-line flags, config files, session
// scripts. Torch-free and dependency-free (viz links it, a fuzz target calls it alone).
//   - the whole text must be the number: no leading space, no trailing garbage, not empty;
//   - integers never wrap: out of int64 is an error, and so is out of [lo, hi];
//   - floats must be finite (NaN and Inf are errors) and inside their range, whose ends may be
//     open ("0 < top-p <= 1" is {0, 1, open below}).
// Errors are InputError whose text names WHAT (e.g. "option --top-p", "model config: n_embd")
// and the allowed range: "option --top-p: expected a number in (0, 1], got '2'".
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace wfc::num {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct IntRange {
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  std::string str() const;  // "[1, 64]", "[0, ...)" when hi is the int64 maximum
};

struct FloatRange {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false;  // true: the end itself is outside
  bool contains(double v) const;
  std::string str() const;  // "[0, inf)", "(0, 1]"
};

// Ranges as they read: at_least(0) is [0, inf), above(0) is (0, inf), between(0, 1) is [0, 1].
inline FloatRange at_least(double lo) { return {lo, kInf, false, false}; }
inline FloatRange above(double lo) { return {lo, kInf, true, false}; }
inline FloatRange between(double lo, double hi) { return {lo, hi, false, false}; }

int64_t parse_int(std::string_view text, const std::string& what, IntRange r = {});
// Unsigned 64-bit (seeds): no sign at all, no wrap.
uint64_t parse_uint(std::string_view text, const std::string& what);
double parse_float(std::string_view text, const std::string& what, FloatRange r = {});

// The same checks on a value already parsed (JSON numbers, computed limits).
int64_t check_int(int64_t v, const std::string& what, IntRange r);
double check_float(double v, const std::string& what, FloatRange r);

// Intra-op threads a user may ask for: 1 to 4x the hardware threads (more only thrashes).
IntRange thread_range();

// Text of a double that reads back as the same double, short when it can be ("0.8", "1e-05").
std::string format_float(double v);

}  // namespace wfc::num
