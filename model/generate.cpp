#include "model/generate.h"

#include "model/errors.h"

namespace wfc {

GenerateStats generate(Engine& engine, const Policy& policy, int n_tokens, Pick pick,
                       const GenerateHooks& hooks) {
  if (policy.name() == "manual") throw InputError("policy manual collapses on clicks only: use the lab");
  GenerateStats s;
  bool cancelled = false;
  while (int(s.minted.size()) < n_tokens && !cancelled) {
    bool converged = false;
    int n = engine.converge([&](const StepReport& r) {
      s.ms += r.ms;
      converged = r.converged;
      if (hooks.on_step && !hooks.on_step(r)) {
        cancelled = true;
        return false;
      }
      return true;
    });
    s.iterations += n;
    ++s.rounds;
    if (converged) ++s.early_exits;
    if (cancelled) break;
    const StepReport snap = engine.snapshot();
    for (const auto& c : policy.choose(snap.entropy, snap.status, snap.n_past)) {
      int tok = -1;
      if (c.partial) engine.collapse_partial(c.pos, c.alpha);
      else tok = engine.collapse(c.pos, pick);
      if (hooks.on_collapse) hooks.on_collapse(c, tok);
    }
    if (engine.status()[engine.n_past()] != RowStatus::Collapsed && policy.name() == "median-partial") {
      CollapseChoice c{engine.n_past()};
      int tok = engine.collapse(c.pos, pick);
      if (hooks.on_collapse) hooks.on_collapse(c, tok);
    }
    while (int(s.minted.size()) < n_tokens && engine.status()[engine.n_past()] == RowStatus::Collapsed) {
      int t = engine.mint();
      s.minted.push_back(t);
      if (hooks.on_mint) hooks.on_mint(t);
    }
  }
  return s;
}

}  // namespace wfc
