// libFuzzer: the one strict number parser (model/numbers.h), checked against a reference grammar.
// The first byte picks the parser and a range, the rest is the text. A text is accepted exactly when
// it is a plain decimal number (no space, sign '+', hex, inf or nan) that fits, and the value read
// equals the C library's; every refusal is an InputError of one short line.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "model/errors.h"
#include "model/numbers.h"

using namespace wfc;

static void must(bool ok) {
  if (!ok) std::abort();
}

static void check_message(const InputError& e, const std::string& what) {
  const std::string m = e.what();
  must(m.rfind(what + ": ", 0) == 0);           // names what was parsed
  must(m.find('\n') == std::string::npos);      // one line
  must(m.size() < what.size() + 200);           // a long text is not echoed whole
}

// -?(D+.?D*|.D+)([eE][-+]?D+)?, by hand: std::regex recurses once per character.
static bool decimal(const std::string& s) {
  size_t i = s.size() && s[0] == '-' ? 1 : 0, digits = 0;
  auto run = [&] { size_t n = 0; while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++n; return n; };
  digits += run();
  if (i < s.size() && s[i] == '.') ++i, digits += run();
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (run() == 0) return false;
  }
  return i == s.size();
}

static bool all_digits(const std::string& s, size_t from) {
  if (s.size() <= from) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 4;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string what = "option --x";
  if (mode == 0 || mode == 1) {  // int64, unbounded or [-5, 1000]
    const num::IntRange r = mode == 0 ? num::IntRange{} : num::IntRange{-5, 1000};
    const bool grammar = all_digits(text, text[0] == '-' ? 1 : 0);
    errno = 0;
    const long long ref = grammar ? std::strtoll(text.c_str(), nullptr, 10) : 0;
    const bool fits = grammar && errno == 0 && ref >= r.lo && ref <= r.hi;
    try {
      const int64_t v = num::parse_int(text, what, r);
      must(fits && v == ref);
      must(num::parse_int(std::to_string(v), what, r) == v);
    } catch (const InputError& e) {
      must(!fits);
      check_message(e, what);
    }
  } else if (mode == 2) {  // uint64: digits only
    const bool grammar = all_digits(text, 0);
    errno = 0;
    const unsigned long long ref = grammar ? std::strtoull(text.c_str(), nullptr, 10) : 0;
    const bool fits = grammar && errno == 0;
    try {
      const uint64_t v = num::parse_uint(text, what);
      must(fits && v == ref);
    } catch (const InputError& e) {
      must(!fits);
      check_message(e, what);
    }
  } else {  // double in (0, 1]
    const num::FloatRange r{0, 1, true, false};
    const bool grammar = decimal(text);
    const double ref = grammar ? std::strtod(text.c_str(), nullptr) : 0;
    const bool fits = grammar && std::isfinite(ref) && ref > 0 && ref <= 1;
    try {
      const double v = num::parse_float(text, what, r);
      must(fits && v == ref);
      must(num::parse_float(num::format_float(v), what, r) == v);
    } catch (const InputError& e) {
      must(!fits);
      check_message(e, what);
    }
  }
  return 0;
}
