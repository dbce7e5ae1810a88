#include "model/train_config.h"

#include <set>

#include "model/errors.h"

namespace wfc {

// One list of fields serves JSON in both directions; a new field is added here once.
template <class C, class F>
static void visit(C& c, F&& f) {
  f("objective", c.objective); f("data", c.data); f("train_files", c.train_files);
  f("val_files", c.val_files); f("out", c.out); f("tokenizer", c.tokenizer);
  f("tokenizer_type", c.tokenizer_type); f("init_from", c.init_from);
  f("steps", c.steps); f("batch", c.batch); f("lr", c.lr); f("min_lr", c.min_lr);
  f("warmup", c.warmup); f("weight_decay", c.weight_decay); f("beta1", c.beta1);
  f("beta2", c.beta2); f("grad_clip", c.grad_clip); f("bf16", c.bf16);
  f("future_min", c.future_min); f("future_max", c.future_max);
  f("curriculum_steps", c.curriculum_steps); f("iters", c.iters); f("grad_iters", c.grad_iters);
  f("iter_weights", c.iter_weights); f("past_weight", c.past_weight); f("eta", c.eta);
  f("collapse_share", c.collapse_share); f("partial_share", c.partial_share);
  f("random_mask_share", c.random_mask_share); f("clean_share", c.clean_share);
  f("eval_every", c.eval_every); f("eval_windows", c.eval_windows); f("eval_future", c.eval_future);
  f("eval_max_iters", c.eval_max_iters); f("eval_tol", c.eval_tol);
  f("eval_reconverge", c.eval_reconverge); f("ckpt_every", c.ckpt_every);
  f("log_every", c.log_every); f("seed", c.seed); f("threads", c.threads); f("device", c.device);
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json::object();
  visit(c, [&](const char* k, const auto& v) { j[k] = v; });
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
  if (!j.is_object()) throw InputError("train config: expected a JSON object");
  nlohmann::json known;
  to_json(known, TrainConfig{});
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.contains(it.key())) throw InputError("train config: unknown field '" + it.key() + "'");
  visit(c, [&](const char* k, auto& v) {
    if (!j.contains(k)) return;
    try {
      j.at(k).get_to(v);
    } catch (const nlohmann::json::exception&) {
      throw InputError(std::string("train config: field '") + k + "' has the wrong type");
    }
  });
}

void TrainConfig::validate() const {
  auto fail = [](const std::string& m) { throw InputError("train config: " + m); };
  if (objective != "wfc" && objective != "ar") fail("objective must be wfc or ar, not '" + objective + "'");
  if (tokenizer_type != "bpe" && tokenizer_type != "unigram") fail("tokenizer_type must be bpe or unigram");
  if (steps < 1) fail("steps must be >= 1");
  if (batch < 1) fail("batch must be >= 1");
  if (!(lr > 0) || !(min_lr >= 0) || min_lr > lr) fail("need 0 <= min_lr <= lr and lr > 0");
  if (warmup < 0) fail("warmup must be >= 0");
  if (!(weight_decay >= 0)) fail("weight_decay must be >= 0");
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) fail("beta1 and beta2 must be in [0, 1)");
  if (!(grad_clip >= 0)) fail("grad_clip must be >= 0");
  if (future_min < 1 || future_max < future_min) fail("need 1 <= future_min <= future_max");
  if (curriculum_steps < 0) fail("curriculum_steps must be >= 0");
  if (iters < 1 || iters > 64) fail("iters must be in [1, 64]");
  if (grad_iters < 1 || grad_iters > iters) fail("grad_iters must be in [1, iters]");
  static const std::set<std::string> weights = {"uniform", "linear", "last"};
  if (!weights.count(iter_weights)) fail("iter_weights must be uniform, linear or last");
  if (!(past_weight >= 0)) fail("past_weight must be >= 0");
  if (!(eta > 0 && eta <= 1)) fail("eta must be in (0, 1]");
  auto share = [&](float s, const char* n) {
    if (!(s >= 0 && s <= 1)) fail(std::string(n) + " must be in [0, 1]");
  };
  share(collapse_share, "collapse_share");
  share(partial_share, "partial_share");
  share(random_mask_share, "random_mask_share");
  share(clean_share, "clean_share");
  if (collapse_share + partial_share > 0.9f) fail("collapse_share + partial_share must leave free rows (<= 0.9)");
  if (eval_every < 0 || ckpt_every < 0 || log_every < 1) fail("eval_every, ckpt_every >= 0 and log_every >= 1");
  if (eval_windows < 1 || eval_future < 1 || eval_max_iters < 1 || eval_reconverge < 0)
    fail("eval_windows, eval_future, eval_max_iters must be >= 1 and eval_reconverge >= 0");
  if (!(eval_tol > 0)) fail("eval_tol must be > 0");
  if (threads < 0) fail("threads must be >= 0");
  if (device != "auto" && device != "cpu" && device != "cuda") fail("device must be auto, cpu or cuda");
}

}  // namespace wfc
