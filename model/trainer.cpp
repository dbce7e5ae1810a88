#include "model/trainer.h"
#include "model/engine_config.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "model/adamw.h"
#include "model/checkpoint.h"
#include "model/data.h"
#include "model/errors.h"
#include "model/evaluate.h"
#include "model/file_io.h"
#include "model/objective.h"
#include "model/run_commit.h"
#include "model/safetensors.h"
#include "model/tokenizer.h"
#include "model/torch_compat.h"

namespace wfc {

namespace fs = std::filesystem;
using nlohmann::json;

std::string run_checkpoint_path(const std::string& out) { return (fs::path(out) / "ckpt.safetensors").string(); }

// Linear warm-up, then cosine from lr to min_lr over the remaining steps.
static double lr_at(const TrainConfig& c, int64_t step) {
  if (step < c.warmup) return c.lr * double(step + 1) / double(c.warmup);
  const double span = std::max<int64_t>(1, c.steps - c.warmup);
  const double frac = std::min(1.0, double(step - c.warmup) / span);
  return c.min_lr + 0.5 * (c.lr - c.min_lr) * (1.0 + std::cos(M_PI * frac));
}

struct OptimState {
  int64_t step = 0, tokens_seen = 0, adam_t = 0;
  std::string rng;
  std::map<std::string, torch::Tensor> moments;
};

static std::vector<uint8_t> serialize_optim(const OptimState& s) {
  st::File f;
  f.metadata = {{"format", "wfc-optimizer"}, {"format_version", "1"}, {"step", std::to_string(s.step)},
                {"tokens_seen", std::to_string(s.tokens_seen)}, {"adam_t", std::to_string(s.adam_t)},
                {"rng", s.rng}};
  for (const auto& [k, t] : s.moments) f.tensors.emplace(k, to_st_f32(t));
  return st::serialize(f);
}

static OptimState load_optim(const std::string& path) {
  st::File f = st::load(path);
  if (f.metadata["format"] != "wfc-optimizer") throw file_error(path, "not a wfc optimizer state (format != wfc-optimizer)");
  OptimState s;
  try {
    s.step = std::stoll(f.metadata.at("step"));
    s.tokens_seen = std::stoll(f.metadata.at("tokens_seen"));
    s.adam_t = std::stoll(f.metadata.at("adam_t"));
    s.rng = f.metadata.at("rng");
  } catch (const std::exception&) {
    throw file_error(path, "optimizer metadata is missing step, tokens_seen, adam_t or rng");
  }
  for (const auto& [k, t] : f.tensors) {
    if (t.dtype != "F32") throw file_error(path, "tensor '" + k + "' is not F32");
    s.moments.emplace(k, from_st_f32(t));
  }
  return s;
}

// On resume, metrics logged after the checkpoint was written are dropped, so the file reads as
// one uninterrupted run.
static void trim_metrics(const std::string& path, int64_t step) {
  if (!fs::is_regular_file(path)) return;  // never block on a FIFO planted in the run directory
  std::ifstream in(path);
  if (!in) return;
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    try {
      if (json::parse(line).value("step", int64_t(0)) <= step) kept += line + "\n";
    } catch (const json::exception&) {
    }
  }
  write_file_atomic(path, kept);
}

int64_t train(const ModelConfig& model_in, const TrainConfig& cfg, bool resume, const TrainCallback& cb,
              const volatile std::sig_atomic_t* stop) {
  auto emit = [&](TrainEvent e) {
    if (cb) cb(e);
  };
  auto say = [&](const std::string& m) { emit({"message", m, {}}); };
  ModelConfig mc = model_in;
  mc.validate();
  cfg.validate();
  if (cfg.objective == "ar") mc.mask = mask_name(MaskKind::Causal);  // what the baseline was trained with, for whoever opens it
  RunDir run(cfg.out);  // locked, stale temp files and uncommitted saves removed
  if (run.removed_at_open() > 0)
    say("run: removed " + std::to_string(run.removed_at_open()) + " leftover file(s) of an interrupted save");
  const std::string ck_path = run_checkpoint_path(cfg.out);
  const std::string metrics_path = (fs::path(cfg.out) / "metrics.jsonl").string();

  if (cfg.threads > 0) torch::set_num_threads(cfg.threads);
  torch::Device dev = torch::kCPU;
  if (cfg.device == "cuda" || (cfg.device == "auto" && torch::cuda::is_available())) {
    if (!torch::cuda::is_available()) throw InputError("train: device cuda asked for, but no CUDA device is available");
    dev = torch::kCUDA;
  }
  torch::manual_seed(cfg.seed);

  // ---- checkpoint to resume, tokenizer, token shards
  const auto train_files = corpus_files(cfg.train_files, cfg.data, "train.txt");  // missing files fail first
  const auto val_files = corpus_files(cfg.val_files, cfg.data, "val.txt");
  Checkpoint resumed;
  OptimState ostate;
  std::vector<uint8_t> tok_bytes;
  int64_t committed_step = -1;  // the step of the unit on disk, for messages
  if (resume) {
    const auto unit = read_commit(cfg.out);
    if (!unit) throw file_error(ck_path, "nothing to resume: no checkpoint in the run directory");
    const std::string& opt_path = unit->optim_path;
    if (!fs::exists(opt_path)) throw file_error(opt_path, "cannot resume exactly: the optimizer state is missing");
    resumed = load_checkpoint(unit->model_path);
    ostate = load_optim(opt_path);
    if (ostate.step != resumed.step)  // only a run written before commit manifests can get here
      throw file_error(opt_path, "optimizer state is at step " + std::to_string(ostate.step) + " but the checkpoint at step " +
                                     std::to_string(resumed.step) + " (a save was interrupted): HINT start a new run");
    tok_bytes = resumed.tokenizer;
    committed_step = resumed.step;
  } else {
    tok_bytes = prepare_tokenizer(cfg, mc.vocab_size, say);
  }
  Tokenizer tok = Tokenizer::from_bytes(tok_bytes);
  const auto train_tokens = encode_corpus(train_files, tok, tok_bytes,
                                          (fs::path(cfg.out) / "train.tokens").string(), say);
  const auto val_tokens = encode_corpus(val_files, tok, tok_bytes,
                                        (fs::path(cfg.out) / "val.tokens").string(), say);

  // ---- network and optimizer
  Network net(mc);
  int64_t step = 0, tokens_seen = 0;
  json lineage = json::array();  // the checkpoints this run's weights came from
  std::mt19937_64 rng(cfg.seed);
  if (resume) {
    net = build_network(resumed);
    step = resumed.step;
    tokens_seen = resumed.tokens_seen;
    lineage = resumed.lineage;
    std::istringstream(ostate.rng) >> rng;
  } else if (!cfg.init_from.empty()) {
    Checkpoint init = load_checkpoint(cfg.init_from);
    lineage = lineage_from(init, cfg.init_from);
    if (mc.held_embedding && !init.model.held_embedding) {  // a start without one: it begins at zero
      init.model.held_embedding = true;
      init.params.emplace("held_emb", torch::zeros({mc.n_embd}));
    }
    if (expected_shapes(init.model) != expected_shapes(mc))
      throw file_error(cfg.init_from, "its tensor shapes differ from this model config: init_from needs the same sizes");
    init.model = mc;  // same weights, this run's mask/readout
    net = build_network(init);
    say("init: weights from " + cfg.init_from + " (" + init.objective + ", step " + std::to_string(init.step) + ")");
  }
  net->to(dev);
  net->train();
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (auto& p : net->named_parameters()) params.emplace_back(p.key(), p.value());
  AdamW opt(params, cfg.beta1, cfg.beta2, cfg.weight_decay);
  if (resume) {
    try {
      opt.load_state(ostate.moments, ostate.adam_t);
    } catch (const InputError& e) {
      throw file_error(read_commit(cfg.out, false)->optim_path, e.what());
    }
  }
  trim_metrics(metrics_path, step);  // a fresh run starts an empty file

  json eff = {{"model", mc}, {"train", cfg}, {"params", mc.param_count()}, {"device", dev.str()},
              {"threads", torch::get_num_threads()}, {"libtorch", compat::torch_version()},
              {"train_tokens", train_tokens.size()}, {"val_tokens", val_tokens.size()},
              {"corpus", {{"train", describe(train_tokens)}, {"val", describe(val_tokens)}}}};
  emit({"config", "", eff, step, cfg.steps});

  EvalOptions eo;
  eo.windows = cfg.eval_windows;
  eo.future = std::min(cfg.eval_future, mc.block_size - 1);
  eo.max_iters = cfg.eval_max_iters;
  eo.tol = cfg.eval_tol;
  eo.eta = cfg.eta;
  eo.reconverge = cfg.eval_reconverge;
  const auto eval_ids = fixed_windows(val_tokens, cfg.eval_windows, mc.block_size + cfg.eval_reconverge);

  std::ofstream metrics(metrics_path, std::ios::app);
  if (!metrics) throw file_error(metrics_path, "cannot open for appending");
  auto write_metrics = [&](const json& j) { metrics << j.dump() << "\n" << std::flush; };

  auto save = [&]() {
    Checkpoint ck;
    ck.model = mc;
    ck.train = cfg;
    ck.objective = cfg.objective;
    ck.step = step;
    ck.tokens_seen = tokens_seen;
    ck.lineage = lineage;
    ck.tokenizer = tok_bytes;
    for (auto& [n, p] : params) ck.params[n] = p.detach().to(torch::kCPU).clone();
    std::ostringstream r;
    r << rng;
    const auto model_bytes = serialize_checkpoint(ck);
    const auto optim_bytes = serialize_optim({step, tokens_seen, opt.t(), r.str(), opt.state()});
    try {
      run.commit(step, 1, model_bytes, optim_bytes);
    } catch (const std::exception& e) {
      throw EnvError("saving step " + std::to_string(step) + " failed: " + e.what() + "; " +
                               (committed_step >= 0 ? "the last committed checkpoint is " + ck_path + " (step " +
                                                          std::to_string(committed_step) + ")"
                                                    : "no checkpoint was committed yet"));
    }
    committed_step = step;
    emit({"checkpoint", ck_path, {}, step, cfg.steps});
  };
  auto stop_asked = [&] { return stop && *stop != 0; };

  // ---- the loop
  const int T = mc.block_size;
  auto t_last = std::chrono::steady_clock::now();
  const auto t_start = t_last;
  const int64_t first_step = step;
  int64_t tokens_last = tokens_seen;
  while (step < cfg.steps && !stop_asked()) {
    const double lr = lr_at(cfg, step);
    auto ids = sample_windows(train_tokens, cfg.batch, T, rng).to(dev);   // [B,T]
    opt.zero_grad();
    LossReport rep;
    {
      compat::AutocastGuard ac(dev, cfg.bf16);
      rep = cfg.objective == "ar" ? ar_loss_backward(net, ids)
                                  : wfc_loss_backward(net, cfg, ids, draw_layout(cfg, cfg.batch, T, step, rng));
    }
    const double gnorm = opt.clip_grad_norm(cfg.grad_clip);
    if (!std::isfinite(rep.loss) || !std::isfinite(gnorm)) {
      std::string last = committed_step >= 0 ? "the last good checkpoint is " + ck_path + " (step " +
                                                   std::to_string(committed_step) + ")"
                                             : "no checkpoint was written yet";
      throw std::runtime_error("train: " + std::string(!std::isfinite(rep.loss) ? "loss" : "gradient norm") +
                               " is not finite at step " + std::to_string(step + 1) + "; stopped without saving, " +
                               last + " (HINT lower --lr or raise --warmup)");
    }
    opt.step(lr);
    ++step;
    tokens_seen += int64_t(cfg.batch) * T;

    if (step % cfg.log_every == 0 || step == cfg.steps) {
      const auto now = std::chrono::steady_clock::now();
      const double dt = std::chrono::duration<double>(now - t_last).count();
      const double tps = double(tokens_seen - tokens_last) / std::max(dt, 1e-9);
      const double elapsed = std::chrono::duration<double>(now - t_start).count();
      const double eta_s = elapsed / double(step - first_step) * double(cfg.steps - step);
      t_last = now;
      tokens_last = tokens_seen;
      json j = {{"kind", "train"}, {"step", step}, {"tokens", tokens_seen}, {"loss", rep.loss},
                {"loss_by_iter", rep.future_loss}, {"lr", lr}, {"grad_norm", gnorm}, {"tokens_per_s", tps}};
      if (!rep.past_loss.empty()) j["past_loss_by_iter"] = rep.past_loss;
      write_metrics(j);
      emit({"log", "", j, step, cfg.steps, tps, eta_s, rep.loss});
    }
    if ((cfg.eval_every > 0 && step % cfg.eval_every == 0) || step == cfg.steps) {
      json j = evaluate(net, cfg.objective, eval_ids, eo);
      j["kind"] = "eval";
      j["step"] = step;
      j["tokens"] = tokens_seen;
      write_metrics(j);
      emit({"eval", "", j, step, cfg.steps});
      net->train();
    }
    if ((cfg.ckpt_every > 0 && step % cfg.ckpt_every == 0) || step == cfg.steps) save();
  }
  if (stop_asked() && step < cfg.steps) {  // the step in flight is finished: keep it
    if (committed_step != step) save();
    emit({"stopped", ck_path, {}, step, cfg.steps});
    return step;
  }
  emit({"done", ck_path, {}, step, cfg.steps});
  return step;
}

}  // namespace wfc
