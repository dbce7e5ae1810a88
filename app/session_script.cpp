#include "app/session_script.h"

#include <cstdio>
#include <sstream>

#include "model/engine_config.h"
#include "model/errors.h"
#include "model/numbers.h"

namespace wfc::viz {

namespace {

struct Line {
  const std::string& name;
  int no;
  [[noreturn]] void fail(const std::string& msg) const {
    throw ScriptError(name + ":" + std::to_string(no) + ": " + msg);
  }
  int64_t integer(const std::string& s, const std::string& what, int64_t lo, int64_t hi) const {
    try {
      return num::parse_int(s, what, {lo, hi});
    } catch (const InputError& e) {
      fail(e.what());
    }
  }
  float number(const std::string& s, const std::string& what, float lo, float hi) const {
    try {
      return float(num::parse_float(s, what, num::between(lo, hi)));
    } catch (const InputError& e) {
      fail(e.what());
    }
  }
};

// A word of the user's line in an error, never more than a line's worth.
std::string shown(const std::string& w) { return w.size() > 40 ? w.substr(0, 40) + "..." : w; }

std::string rest_after(const std::string& line, const std::string& word) {
  size_t p = line.find(word);
  p = line.find_first_not_of(" \t", p + word.size());
  return p == std::string::npos ? "" : line.substr(p);
}

}  // namespace

std::vector<ScriptAction> parse_script(const std::string& text, const std::string& name) {
  std::vector<ScriptAction> out;
  std::istringstream in(text);
  std::string raw;
  for (int no = 1; std::getline(in, raw); ++no) {
    if (raw.size() > kMaxScriptLine)  // reported, never echoed
      throw ScriptError(name + ":" + std::to_string(no) + ": the line is " + std::to_string(raw.size()) +
                        " bytes long; a script line holds at most " + std::to_string(kMaxScriptLine));
    // Every trailing CR: one left behind would end a title or prompt, and format_action's line
    // would lose it on reading back ("title x\r\r\n", found by fuzz_session_script).
    while (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const size_t first = raw.find_first_not_of(" \t");
    if (first == std::string::npos || raw[first] == '#') continue;
    const std::string line = raw.substr(first);
    std::istringstream ws(line);
    std::vector<std::string> w;
    for (std::string t; ws >> t;) w.push_back(t);
    if (w.empty()) continue;  // only \v, \f or \r: blank to >>, though not to the test above
    const Line L{name, no};
    ScriptAction a;
    a.line = no;
    const std::string& cmd = w[0];
    auto want = [&](size_t lo, size_t hi) {
      if (w.size() < lo + 1 || w.size() > hi + 1)
        L.fail(shown(cmd) + ": expected " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
               " argument(s), got " + std::to_string(w.size() - 1));
    };
    if (cmd == "title") {
      a.kind = ScriptAction::Title;
      a.text = rest_after(line, "title");
    } else if (cmd == "prompt") {
      a.kind = ScriptAction::Prompt;
      a.text = rest_after(line, "prompt");
    } else if (cmd == "future") {
      want(1, 1);
      a.kind = ScriptAction::Future;
      a.n = L.integer(w[1], "future", 1, 4096);
    } else if (cmd == "seed") {
      want(1, 1);
      a.kind = ScriptAction::Seed;
      a.n = L.integer(w[1], "seed", 0, INT64_MAX);
    } else if (cmd == "mask") {
      want(1, 1);
      a.kind = ScriptAction::Mask;
      a.text = w[1];
      try {
        parse_mask(a.text, "mask");
      } catch (const InputError& e) {
        L.fail(e.what());
      }
    } else if (cmd == "drift") {
      want(1, 1);
      a.kind = ScriptAction::Drift;
      if (w[1] != "on" && w[1] != "off") L.fail("drift: expected on or off, got '" + shown(w[1]) + "'");
      a.n = w[1] == "on";
    } else if (cmd == "policy") {
      want(1, 1);
      a.kind = ScriptAction::Policy;
      a.text = w[1];
    } else if (cmd == "step") {
      want(0, 1);
      a.kind = ScriptAction::Step;
      a.n = w.size() > 1 ? L.integer(w[1], "step", 1, 100000) : 1;
    } else if (cmd == "converge") {
      want(0, 0);
      a.kind = ScriptAction::Converge;
    } else if (cmd == "collapse") {
      if (w.size() < 3) L.fail("collapse: expected POS full|sample|partial ...");
      a.kind = ScriptAction::Collapse;
      a.n = L.integer(w[1], "collapse position", 0, INT64_MAX);
      a.mode = w[2];
      size_t k = 3;
      if (a.mode == "full") {
        if (w.size() > 4) L.fail("collapse full: expected at most a token after it");
      } else if (a.mode == "sample") {
        if (w.size() > 3) L.fail("collapse sample: takes nothing after it");
      } else if (a.mode == "partial") {
        if (w.size() < 4) L.fail("collapse partial: expected ALPHA");
        a.alpha = L.number(w[3], "alpha", 0.0f, 1.0f);
        k = 4;
      } else {
        L.fail("collapse: mode '" + shown(a.mode) + "' is not full, sample or partial");
      }
      for (; k < w.size(); ++k) {
        if (w[k] == "hold" && a.mode == "partial") {
          if (k + 1 >= w.size()) L.fail("collapse partial: hold needs a number of iterations");
          a.hold = int(L.integer(w[++k], "hold", 0, 1000000));
        } else if (a.token < 0) {
          a.token = int(L.integer(w[k], "token", 0, 1 << 30));
        } else {
          L.fail("collapse: unexpected '" + shown(w[k]) + "'");
        }
      }
    } else if (cmd == "collapse-next") {
      want(0, 0);
      a.kind = ScriptAction::CollapseNext;
    } else if (cmd == "pin" || cmd == "release") {
      want(1, 1);
      a.kind = cmd == "pin" ? ScriptAction::Pin : ScriptAction::Release;
      a.n = L.integer(w[1], cmd + " position", 0, INT64_MAX);
    } else if (cmd == "mint") {
      want(0, 0);
      a.kind = ScriptAction::Mint;
    } else if (cmd == "edit") {
      want(2, 2);
      a.kind = ScriptAction::Edit;
      a.n = L.integer(w[1], "edit position", 0, INT64_MAX);
      a.token = int(L.integer(w[2], "token", 0, 1 << 30));
    } else if (cmd == "frame") {
      want(0, 0);
      a.kind = ScriptAction::Frame;
    } else {
      L.fail("unknown action '" + shown(cmd) + "'");
    }
    out.push_back(a);
  }
  return out;
}

std::string format_action(const ScriptAction& a) {
  char b[64];
  switch (a.kind) {
    case ScriptAction::Title: return "title " + a.text;
    case ScriptAction::Future: return "future " + std::to_string(a.n);
    case ScriptAction::Seed: return "seed " + std::to_string(a.n);
    case ScriptAction::Mask: return "mask " + a.text;
    case ScriptAction::Drift: return std::string("drift ") + (a.n ? "on" : "off");
    case ScriptAction::Policy: return "policy " + a.text;
    case ScriptAction::Prompt: return "prompt " + a.text;
    case ScriptAction::Step: return "step " + std::to_string(a.n);
    case ScriptAction::Converge: return "converge";
    case ScriptAction::Collapse: {
      std::string s = "collapse " + std::to_string(a.n) + " " + a.mode;
      if (a.mode == "partial") {
        std::snprintf(b, sizeof b, " %.9g", a.alpha);  // 9 digits: a float reads back exactly
        s += b;
      }
      if (a.token >= 0) s += " " + std::to_string(a.token);
      if (a.mode == "partial" && a.hold > 0) s += " hold " + std::to_string(a.hold);
      return s;
    }
    case ScriptAction::CollapseNext: return "collapse-next";
    case ScriptAction::Pin: return "pin " + std::to_string(a.n);
    case ScriptAction::Release: return "release " + std::to_string(a.n);
    case ScriptAction::Mint: return "mint";
    case ScriptAction::Edit: return "edit " + std::to_string(a.n) + " " + std::to_string(a.token);
    case ScriptAction::Frame: return "frame";
  }
  return "";
}

}  // namespace wfc::viz
