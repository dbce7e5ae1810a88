// Session-script lines as lab commands: what `wfc export` and the tests replay.
#include "app/lab_session.h"

namespace wfc::app {

using viz::CmdKind;
using viz::LabCommand;
using viz::ScriptAction;

void replay(LabSession& session, const ScriptAction& a) {
  LabCommand c;
  auto setting = [&](auto&& edit) {
    c.kind = CmdKind::Settings;
    c.base = c.settings = session.settings();
    edit(c.settings);
    session.handle(c);
  };
  switch (a.kind) {
    case ScriptAction::Title:
    case ScriptAction::Frame: return;
    case ScriptAction::Future: return setting([&](viz::LabSettings& s) { s.engine.future = int(a.n); });
    case ScriptAction::Seed: return setting([&](viz::LabSettings& s) { s.engine.seed = uint64_t(a.n); });
    case ScriptAction::Mask: return setting([&](viz::LabSettings& s) { s.engine.mask = parse_mask(a.text, "mask"); });
    case ScriptAction::Drift: return setting([&](viz::LabSettings& s) { s.engine.pin_past = a.n == 0; });
    case ScriptAction::Policy: return setting([&](viz::LabSettings& s) { s.policy = a.text; });
    case ScriptAction::Prompt: c.kind = CmdKind::Reset; c.text = a.text; return session.handle(c);
    case ScriptAction::Step:
      c.kind = CmdKind::Step;
      for (int64_t i = 0; i < a.n; ++i) session.handle(c);
      return;
    case ScriptAction::Converge: c.kind = CmdKind::Converge; return session.handle(c);
    case ScriptAction::Collapse:
      c.kind = a.mode == "partial" ? CmdKind::CollapsePartial : CmdKind::Collapse;
      c.pos = a.n;
      c.token = a.token;
      c.pick = a.mode == "sample" ? Pick::Sample : a.token >= 0 ? Pick::Token : Pick::Argmax;
      c.alpha = a.alpha;
      c.hold = a.hold;
      return session.handle(c);
    case ScriptAction::CollapseNext: c.kind = CmdKind::CollapseNext; return session.handle(c);
    case ScriptAction::Pin: c.kind = CmdKind::Pin; c.pos = a.n; return session.handle(c);
    case ScriptAction::Release: c.kind = CmdKind::Release; c.pos = a.n; return session.handle(c);
    case ScriptAction::Mint: c.kind = CmdKind::Mint; return session.handle(c);
    case ScriptAction::Edit: c.kind = CmdKind::EditPast; c.pos = a.n; c.token = a.token; return session.handle(c);
  }
}

}  // namespace wfc::app
