#include "model/train_config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "model/errors.h"
#include "model/json_io.h"

namespace wfc {

using num::IntRange;
using num::FloatRange;
constexpr int64_t kBig = 1'000'000'000;  // counts of steps or windows nobody means beyond this

// One list of fields serves JSON in both directions and validate(); a new field is added here
// once, with its allowed range (the error texts print it).
template <class C, class F>
static void visit(C& c, F&& f) {
  const AnyValue any;
  const FloatRange share = num::between(0, 1);
  f("objective", c.objective, any); f("data", c.data, any); f("train_files", c.train_files, any);
  f("val_files", c.val_files, any); f("out", c.out, any); f("tokenizer", c.tokenizer, any);
  f("tokenizer_type", c.tokenizer_type, any); f("init_from", c.init_from, any);
  f("steps", c.steps, IntRange{1, kBig * 1000}); f("batch", c.batch, IntRange{1, 1 << 20});
  f("grad_accum", c.grad_accum, IntRange{1, 1 << 20});
  f("lr", c.lr, num::above(0)); f("min_lr", c.min_lr, num::at_least(0));
  f("warmup", c.warmup, IntRange{0, kBig}); f("weight_decay", c.weight_decay, num::at_least(0));
  f("beta1", c.beta1, FloatRange{0, 1, false, true}); f("beta2", c.beta2, FloatRange{0, 1, false, true});
  f("grad_clip", c.grad_clip, num::at_least(0)); f("bf16", c.bf16, any);
  f("future_min", c.future_min, IntRange{1, 65'536}); f("future_max", c.future_max, IntRange{1, 65'536});
  f("curriculum_steps", c.curriculum_steps, IntRange{0, kBig}); f("iters", c.iters, IntRange{1, 64});
  f("grad_iters", c.grad_iters, IntRange{1, 64});
  f("iter_weights", c.iter_weights, any); f("past_weight", c.past_weight, num::at_least(0));
  f("eta", c.eta, FloatRange{0, 1, true, false});
  f("collapse_share", c.collapse_share, share); f("partial_share", c.partial_share, share);
  f("random_mask_share", c.random_mask_share, share); f("clean_share", c.clean_share, share);
  f("eval_every", c.eval_every, IntRange{0, kBig}); f("eval_windows", c.eval_windows, IntRange{1, 1'000'000});
  f("eval_future", c.eval_future, IntRange{1, 65'536});
  f("eval_max_iters", c.eval_max_iters, IntRange{1, 1'000'000}); f("eval_tol", c.eval_tol, num::above(0));
  f("eval_reconverge", c.eval_reconverge, IntRange{0, 10'000}); f("ckpt_every", c.ckpt_every, IntRange{0, kBig});
  f("log_every", c.log_every, IntRange{1, kBig}); f("seed", c.seed, any);
  f("threads", c.threads, IntRange{0, num::thread_range().hi});  // 0: leave LibTorch's default
  f("device", c.device, any);
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json::object();
  visit(c, [&](const char* k, const auto& v, const auto&) { j[k] = v; });
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
  if (!j.is_object()) throw InputError("train config: expected a JSON object");
  nlohmann::json known;
  to_json(known, TrainConfig{});
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.contains(it.key())) throw InputError("train config: unknown field '" + it.key() + "'");
  visit(c, [&](const char* k, auto& v, const auto& range) {
    if (j.contains(k)) json_get(j.at(k), std::string("train config: ") + k, v, range);
  });
}

void TrainConfig::validate() const {
  auto fail = [](const std::string& m) { throw InputError("train config: " + m); };
  visit(*this, [&](const char* k, const auto& v, const auto& range) {
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool> && !std::is_same_v<V, uint64_t>)
      num::check_int(v, std::string("train config: ") + k, range);
    else if constexpr (std::is_floating_point_v<V>)
      num::check_float(v, std::string("train config: ") + k, range);
  });
  if (objective != "wfc" && objective != "ar") fail("objective must be wfc or ar, not '" + objective + "'");
  if (tokenizer_type != "bpe" && tokenizer_type != "unigram") fail("tokenizer_type must be bpe or unigram");
  if (min_lr > lr) fail("need 0 <= min_lr <= lr and lr > 0");
  if (future_max < future_min) fail("need 1 <= future_min <= future_max");
  if (grad_iters > iters) fail("grad_iters must be in [1, iters]");
  if (grad_accum > batch) fail("grad_accum must be in [1, batch]: each micro-batch holds at least one window");
  static const std::set<std::string> weights = {"uniform", "linear", "last"};
  if (!weights.count(iter_weights)) fail("iter_weights must be uniform, linear or last");
  if (collapse_share + partial_share > 0.9) fail("collapse_share + partial_share must leave free rows (<= 0.9)");
  if (device != "auto" && device != "cpu" && device != "cuda") fail("device must be auto, cpu or cuda");
}

double estimate_train_bytes(const ModelConfig& m, const TrainConfig& t) {
  const double B = t.batch, T = m.block_size, C = m.n_embd, L = m.n_layer, H = m.n_head, V = m.vocab_size;
  const double iters = t.objective == "ar" ? 1 : t.iters;
  const double weights = 4.0 * 4 * double(m.param_count());  // weights, gradients, two moments
  const double activations = 4.0 * iters * B * T * (L * (16 * C + 2 * H * T) + 4 * V);
  return weights + activations;
}

void check_train_fits(const ModelConfig& m, const TrainConfig& t, double available, int ranks_here) {
  const double one = estimate_train_bytes(m, t), need = one * std::max(1, ranks_here);
  if (need <= available) return;
  char ranks[96] = "";
  if (ranks_here > 1)
    std::snprintf(ranks, sizeof ranks, " per rank, %.1f GB for the %d ranks on this machine,", need / 1e9, ranks_here);
  char b[400];
  std::snprintf(b, sizeof b,
                "train config: batch %d x window %d x %d layers x %d wide x %d iterations needs about %.1f GB%s more "
                "than this machine's %.1f GB of memory (lower batch, block_size, iters or the model size%s)",
                t.batch, m.block_size, m.n_layer, m.n_embd, t.objective == "ar" ? 1 : t.iters,
                ranks_here > 1 ? one / 1e9 : need / 1e9, ranks_here > 1 ? ranks : ",", available / 1e9,
                ranks_here > 1 ? ", or start fewer ranks per machine" : "");
  throw InputError(b);
}

int micro_batch(const TrainConfig& t, int world) {
  if (t.batch % (world * t.grad_accum) != 0)
    throw InputError("train: --batch " + std::to_string(t.batch) + " (the global batch) does not split into " +
                     std::to_string(world) + " rank(s) x --grad-accum " + std::to_string(t.grad_accum) +
                     " equal micro-batches");
  if (t.eval_windows < world)
    throw InputError("train: --eval-windows " + std::to_string(t.eval_windows) + " is fewer than the " +
                     std::to_string(world) + " ranks that share the evaluation");
  return t.batch / (world * t.grad_accum);
}

double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? double(pages) * double(page) : 1e18;
}

}  // namespace wfc
