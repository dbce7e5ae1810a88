// libFuzzer: the session-script parser (`wfc export --script`, the lab's saved sessions) on arbitrary
// text. A bad script must be a ScriptError; a script it accepts must read back to the same actions
// from format_action(), which is how the lab writes scripts.
#include <cstdint>
#include <cstdlib>
#include <string>

#if __has_include("app/session_script.h")
#include "app/session_script.h"
#else
#include "viz/session_script.h"
#endif

using wfc::viz::ScriptAction;

static bool same(const ScriptAction& a, const ScriptAction& b) {
  return a.kind == b.kind && a.text == b.text && a.n == b.n && a.mode == b.mode && a.alpha == b.alpha &&
         a.token == b.token && a.hold == b.hold;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<ScriptAction> acts;
  try {
    acts = wfc::viz::parse_script(text, "fuzz.txt");
  } catch (const wfc::viz::ScriptError&) {
    return 0;
  }
  std::string again;
  for (const auto& a : acts) again += format_action(a) + "\n";
  const auto back = wfc::viz::parse_script(again, "round-trip.txt");  // throws: a finding
  if (back.size() != acts.size()) std::abort();
  for (size_t i = 0; i < acts.size(); ++i)
    if (!same(acts[i], back[i])) std::abort();
  return 0;
}
