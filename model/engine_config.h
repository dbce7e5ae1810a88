// How the refinement engine runs a window, and the attention masks: plain structs with a commented
// default on every field and one table of mask names. No torch and no JSON: the lab's UI (viz/)
// reads EngineConfig and the mask table too.
#pragma once
#include <cstdint>
#include <string>

namespace wfc {

// Convergence defaults, written once: the engine, `wfc eval` and training's evaluation read them.
inline constexpr int kDefaultFuture = 16;      // future rows after the past
inline constexpr int kDefaultMaxIters = 32;    // iterations a (re-)convergence may take
inline constexpr double kDefaultTol = 1e-3;    // converged when the stop metric is under this

// Attention masks: this table is the one list of their names and what each means; the model
// config, the engine, the network, the flags, session scripts and the lab all read it.
enum class MaskKind { Checkpoint, Block, Held, Causal, Lookahead, None };
struct MaskInfo {
  MaskKind kind;
  const char* name;
  const char* help;
};
inline constexpr MaskInfo kMasks[] = {
    {MaskKind::Checkpoint, "checkpoint", "the mask the checkpoint was trained with"},
    {MaskKind::Block, "block", "past causal; every future row sees every future row"},
    {MaskKind::Held, "held", "causal, but future rows also see collapsed, partial and pinned rows on their right"},
    {MaskKind::Causal, "causal", "every row sees only rows to its left: a collapse cannot pull earlier rows"},
    {MaskKind::Lookahead, "lookahead", "a row sees at most the checkpoint's lookahead rows to its right"},
    {MaskKind::None, "none", "every row sees every row, the past too"},
};
inline const MaskInfo& mask_info(MaskKind k) {
  for (const auto& m : kMasks)
    if (m.kind == k) return m;
  return kMasks[0];
}
inline const char* mask_name(MaskKind k) { return mask_info(k).name; }
inline const char* mask_help(MaskKind k) { return mask_info(k).help; }
// "block | held | ..." (with the checkpoint entry unless `model_only`).
inline std::string mask_names(bool model_only = false, const char* sep = " | ") {
  std::string out;
  for (const auto& m : kMasks)
    if (!(model_only && m.kind == MaskKind::Checkpoint)) out += (out.empty() ? "" : sep) + std::string(m.name);
  return out;
}
// The kind named `name`; an unknown name (or "checkpoint" when `model_only`) is an InputError
// "WHAT: unknown mask 'NAME' (one of: ...)".
MaskKind parse_mask(const std::string& name, const std::string& what, bool model_only = false);

// How the refinement engine runs a window. visit() lists every field once, with its flag help:
// the flags and --help of view, generate and eval are generated from it.
struct EngineConfig {
  int future = kDefaultFuture;     // future rows kept after the past (the speculation horizon)
  float eta = 1.0f;                // step size of x += eta * v(x); < 1 damps
  int max_iters = kDefaultMaxIters;  // converge() gives up after this many iterations
  float tol = float(kDefaultTol);  // converged when the stop metric is under this
  std::string stop_on = "kl";      // "kl": max KL between successive rows | "update": max ||dx||/||x||
  bool pin_past = true;            // false: past rows drift (are re-contextualised) too
  MaskKind mask = MaskKind::Checkpoint;  // attention mask (Checkpoint = the checkpoint's own)
  int top_k = 8;                   // width of the top-k lists in step reports
  float temperature = 1.0f;        // sampling temperature for full collapse
  int sample_top_k = 0;            // sample only from the k most likely tokens (0 = all)
  float sample_top_p = 1.0f;       // nucleus sampling mass (1 = all)
  uint64_t seed = 0;               // sampling seed
  int threads = 0;                 // intra-op threads on CPU (0 = leave as set)
  bool cache_past = true;          // pinned past rows run once per reset/mint (model/past_cache.h); off: whole window

  // f(name, help, field...) for every field a user sets, on one or more configs at once (top_k is
  // the reports' width, threads the process's: neither is a setting).
  template <class F, class... C>
  static void visit(F&& f, C&... c) {
    f("future", "future rows kept after the past", c.future...);
    f("max_iters", "iterations a re-convergence may take", c.max_iters...);
    f("tol", "converged when the stop metric is under this", c.tol...);
    f("stop_on", "stop metric: kl (between successive rows) or update (||dx||/||x||)", c.stop_on...);
    f("eta", "step size of x += eta v(x)", c.eta...);
    f("pin_past", "on: past rows stay one-hot; off: they drift (re-contextualise)", c.pin_past...);
    f("mask", "attention mask", c.mask...);
    f("cache_past", "on: pinned past rows run once per mint, iterations run the future only (same numbers); off: the whole window", c.cache_past...);
    f("temperature", "sampling temperature for full collapse", c.temperature...);
    f("top_k", "sample among the k most likely tokens (0: all)", c.sample_top_k...);
    f("top_p", "nucleus sampling mass", c.sample_top_p...);
    f("seed", "sampling seed", c.seed...);
  }
  void validate() const;           // throws InputError naming the bad field
};

}  // namespace wfc
