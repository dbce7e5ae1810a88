#include "model/generate.h"

#include "model/errors.h"

namespace wfc {

PlayRound play_round(Engine& engine, const Policy& policy, Pick pick, int max_mint) {
  PlayRound out;
  const StepReport snap = engine.snapshot();
  bool full = false;
  for (const auto& c : policy.choose(snap.entropy, snap.status, snap.n_past)) {
    RoundCollapse rc{engine.position(c.pos), c.partial, c.alpha};
    rc.token = c.partial ? engine.collapse_partial(c.pos, c.alpha) : engine.collapse(c.pos, pick);
    full |= !c.partial;
    out.collapses.push_back(rc);
  }
  const int first = engine.n_past();
  if (!full && first < engine.length() && engine.status()[first] != RowStatus::Collapsed) {
    RoundCollapse rc{engine.position(first)};
    rc.token = engine.collapse(first, pick);
    rc.forced = true;
    out.collapses.push_back(rc);
  }
  while (int(out.minted.size()) < max_mint && engine.n_past() < engine.length() &&
         engine.status()[engine.n_past()] == RowStatus::Collapsed) {
    if (out.minted.empty()) out.first_minted = engine.position(engine.n_past());
    out.minted.push_back(engine.mint());
  }
  return out;
}

GenerateStats generate(Engine& engine, const Policy& policy, int n_tokens, Pick pick,
                       const GenerateHooks& hooks) {
  if (policy.name() == "manual") throw InputError("policy manual collapses on clicks only: use the lab");
  GenerateStats s;
  bool cancelled = false;
  struct Focus {  // the engine converges only the rows the policy reads, for this call only
    Engine& e;
    int before;
    ~Focus() { e.set_focus(before); }
  } focus{engine, engine.focus()};
  engine.set_focus(policy.rows_read());
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
    const int64_t offset = engine.offset();
    const PlayRound round = play_round(engine, policy, pick, n_tokens - int(s.minted.size()));
    if (hooks.on_collapse)
      for (const auto& c : round.collapses)
        hooks.on_collapse(CollapseChoice{int(c.pos - offset), c.partial, c.alpha}, c.partial ? -1 : c.token);
    for (int t : round.minted) {
      s.minted.push_back(t);
      if (hooks.on_mint) hooks.on_mint(t);
    }
  }
  return s;
}

}  // namespace wfc
