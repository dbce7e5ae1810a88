#include "app/cli.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "model/errors.h"

namespace wfc::cli {

std::string Args::str(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) throw std::logic_error("flag not declared: " + name);
  return it->second;
}

// The parser's InputError becomes a usage error: the option is the user's text.
template <class F>
static auto as_usage(F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
}

int64_t Args::integer(const std::string& name, num::IntRange r) const {
  return as_usage([&] { return num::parse_int(str(name), "option --" + name, r); });
}

int32_t Args::int32(const std::string& name, num::IntRange r) const {
  r.lo = std::max<int64_t>(r.lo, INT32_MIN);
  r.hi = std::min<int64_t>(r.hi, INT32_MAX);
  return int32_t(integer(name, r));
}

uint64_t Args::uint(const std::string& name) const {
  return as_usage([&] { return num::parse_uint(str(name), "option --" + name); });
}

double Args::number(const std::string& name, num::FloatRange r) const {
  return as_usage([&] { return num::parse_float(str(name), "option --" + name, r); });
}

std::pair<int, int> Args::size(const std::string& name, num::IntRange w, num::IntRange h) const {
  const std::string v = str(name);
  const auto x = v.find('x');
  if (x == std::string::npos)
    throw UsageError("option --" + name + ": expected WxH (e.g. 1920x1080), got '" + v.substr(0, 40) + "'");
  return as_usage([&] {
    return std::pair<int, int>(int(num::parse_int(std::string_view(v).substr(0, x), "option --" + name + ": width", w)),
                               int(num::parse_int(std::string_view(v).substr(x + 1), "option --" + name + ": height", h)));
  });
}

bool Args::on(const std::string& name) const { return str(name) == "true"; }
bool Args::given(const std::string& name) const { return explicit_.count(name) > 0; }

std::string Command::help() const {
  std::ostringstream o;
  o << "usage: " << usage << "\n\n" << summary << "\n";
  if (!landed) o << "(not available yet: this command's issue has not landed)\n";
  if (!flags.empty()) {
    o << "\noptions:\n";
    for (const auto& f : flags) {
      std::string left = "  --" + f.name + (f.is_switch ? "" : " " + f.metavar);
      if (left.size() < 28) left.append(28 - left.size(), ' ');
      else left += "  ";
      o << left << f.help;
      // One default per line, said here only: a flag's help text never repeats it.
      if (!f.shown_default.empty()) o << " (default: " << f.shown_default << ")";
      else if (f.is_switch) o << " (default: off)";
      else o << " (default: " << (f.def.empty() ? "none" : f.def) << ")";
      o << "\n";
    }
  }
  o << "  --help                    show this help\n";
  return o.str();
}

Args Command::parse(const std::vector<std::string>& argv) const {
  Args a;
  for (const auto& f : flags) a.values[f.name] = f.is_switch ? "false" : f.def;
  auto find = [&](const std::string& n) -> const Flag* {
    for (const auto& f : flags)
      if (f.name == n) return &f;
    return nullptr;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
      std::string name = s.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const Flag* f = find(name);
      if (!f) throw UsageError("unknown option --" + name);
      if (f->is_switch) {
        if (has_value) throw UsageError("option --" + name + " takes no value");
        a.values[name] = "true";
      } else {
        if (!has_value) {
          if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
          value = argv[++i];
        }
        a.values[name] = value;
      }
      a.explicit_[name] = true;
    } else if (s.size() > 1 && s[0] == '-' && !(s.size() > 1 && (std::isdigit(s[1]) || s[1] == '.'))) {
      throw UsageError("unknown option " + s);
    } else {
      a.positional.push_back(s);
    }
  }
  if (int(a.positional.size()) < min_positional)
    throw UsageError("missing argument (usage: " + usage + ")");
  if (int(a.positional.size()) > max_positional)
    throw UsageError("unexpected argument '" + a.positional[max_positional] + "'");
  return a;
}

}  // namespace wfc::cli
