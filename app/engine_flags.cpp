// The settings' flags, generated from LabSettings::visit (EngineConfig's fields, the policy and its
// parameters): one name, default and help per setting, the same in view, generate and eval.
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include "app/commands.h"
#include "model/errors.h"
#include "model/numbers.h"
#include "model/policies.h"

namespace wfc::app {

static std::string flag_name(const char* field) {
  std::string n = field;
  for (char& ch : n)
    if (ch == '_') ch = '-';
  return n;
}

static std::string text_of(const std::string& v) { return v; }
static std::string text_of(bool v) { return v ? "on" : "off"; }
static std::string text_of(MaskKind v) { return mask_name(v); }
static std::string text_of(float v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", double(v));
  return b;
}
template <class T>
static std::string text_of(T v) {
  return std::to_string(v);
}

static const char* metavar_of(const std::string&) { return "X"; }
static const char* metavar_of(bool) { return "on|off"; }
static const char* metavar_of(MaskKind) { return "KIND"; }
static const char* metavar_of(float) { return "X"; }
template <class T>
static const char* metavar_of(T) {
  return "N";
}

std::vector<cli::Flag> setting_flags(const std::vector<std::string>& names, const viz::LabSettings& defaults) {
  std::vector<cli::Flag> out;
  for (const auto& n : names)
    viz::LabSettings::visit([&](const char* field, const char* help, const auto& v) {
      if (n != field) return;
      std::string h = help;
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, MaskKind>) h += ": " + mask_names();
      if (n == "policy")
        for (const auto& p : policy_names()) h += (p == policy_names()[0] ? ": " : " | ") + p;
      out.push_back({flag_name(field), text_of(v), h, false, metavar_of(v)});
    }, defaults);
  return out;
}

static void read_flag(const cli::Args& a, const std::string& n, std::string& v) { v = a.str(n); }
// Strict numbers (model/numbers.h): garbage, overflow and NaN fail here; ranges in validate().
// A double beyond a float's range would become inf here and be reported as "got inf" by a range
// check that never saw the user's text: say what is wrong with the text instead.
static void read_flag(const cli::Args& a, const std::string& n, float& v) {
  const double d = a.number(n);
  if (std::fabs(d) > double(FLT_MAX))
    throw cli::UsageError("option --" + n + ": " + a.str(n).substr(0, 40) + " is too large (the largest is about 3.4e38)");
  v = float(d);
}
static void read_flag(const cli::Args& a, const std::string& n, MaskKind& v) { v = parse_mask(a.str(n), "option --" + n); }
static void read_flag(const cli::Args& a, const std::string& n, bool& v) {
  const std::string s = a.str(n);
  if (s != "on" && s != "off") throw cli::UsageError("option --" + n + ": expected on or off, got '" + s + "'");
  v = s == "on";
}
static void read_flag(const cli::Args& a, const std::string& n, int& v) { v = a.int32(n, {INT32_MIN, INT32_MAX}); }
static void read_flag(const cli::Args& a, const std::string& n, uint64_t& v) { v = a.uint(n); }

viz::LabSettings settings_from(const cli::Args& a, viz::LabSettings s) {
  viz::LabSettings::visit([&](const char* field, const char*, auto& v) {
    const std::string n = flag_name(field);
    if (a.values.count(n)) read_flag(a, n, v);
  }, s);
  try {
    // From the command line a tolerance of 0 would never stop (sessions may step with it).
    if (a.values.count("tol")) num::check_float(s.engine.tol, "tol", num::above(0));
    s.engine.validate();
  } catch (const InputError& e) {
    throw cli::UsageError(std::string("option --") + e.what());
  }
  try {
    s.params.validate();
  } catch (const InputError& e) {
    throw cli::UsageError(std::string("option --") + e.what());
  }
  try {
    make_policy(s.policy, s.params);
  } catch (const InputError& e) {
    throw cli::UsageError(std::string("option --policy: ") + e.what());
  }
  return s;
}

}  // namespace wfc::app
