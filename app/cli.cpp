#include "app/cli.h"

#include <sstream>

namespace wfc::cli {

std::string Args::str(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) throw std::logic_error("flag not declared: " + name);
  return it->second;
}

int64_t Args::integer(const std::string& name) const {
  const std::string v = str(name);
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  throw UsageError("option --" + name + ": expected an integer, got '" + v + "'");
}

double Args::number(const std::string& name) const {
  const std::string v = str(name);
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d)) return d;
  } catch (const std::exception&) {
  }
  throw UsageError("option --" + name + ": expected a number, got '" + v + "'");
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
