#include "model/trainer.h"
#include "model/engine_config.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "model/adamw.h"
#include "model/checkpoint.h"
#include "model/data.h"
#include "model/distributed.h"
#include "model/errors.h"
#include "model/evaluate.h"
#include "model/file_io.h"
#include "model/numbers.h"
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
  int world_size = 1;  // ranks that wrote it
  std::map<std::string, torch::Tensor> moments;
};

static std::vector<uint8_t> serialize_optim(const OptimState& s) {
  st::File f;
  // Version 2: no generator state (windows are drawn from (seed, step, window)), the world size.
  f.metadata = {{"format", "wfc-optimizer"}, {"format_version", "2"}, {"step", std::to_string(s.step)},
                {"tokens_seen", std::to_string(s.tokens_seen)}, {"adam_t", std::to_string(s.adam_t)},
                {"world_size", std::to_string(s.world_size)}};
  for (const auto& [k, t] : s.moments) f.tensors.emplace(k, to_st_f32(t));
  return st::serialize(f);
}

static OptimState load_optim(const std::string& path) {
  st::File f = st::load(path);
  if (f.metadata["format"] != "wfc-optimizer") throw file_error(path, "not a wfc optimizer state (format != wfc-optimizer)");
  OptimState s;
  for (const char* k : {"step", "tokens_seen", "adam_t"})
    if (!f.metadata.count(k)) throw file_error(path, "optimizer metadata is missing step, tokens_seen or adam_t");
  auto meta = [&](const char* k, num::IntRange r) {
    return num::parse_int(f.metadata.at(k), path + ": optimizer metadata '" + k + "'", r);
  };
  s.step = meta("step", {0, INT64_MAX});
  s.tokens_seen = meta("tokens_seen", {0, INT64_MAX});
  s.adam_t = meta("adam_t", {0, INT64_MAX});
  if (f.metadata.count("world_size")) s.world_size = int(meta("world_size", {1, 65536}));  // version 1: one rank
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

// Window g of step s draws from its own generators (one for where it starts, one for its layout),
// so the global batch is the same whichever rank and micro-batch it falls to: a run gives the same
// windows on any number of ranks, and may resume on another number.
static std::mt19937_64 window_rng(uint64_t seed, int64_t step, int64_t g, uint64_t stream) {
  uint64_t x = seed ^ (uint64_t(step) * 0x9E3779B97F4A7C15ull) ^ (uint64_t(g) * 0xBF58476D1CE4E5B9ull) ^
               (stream * 0x94D049BB133111EBull);
  for (int i = 0; i < 2; ++i) {  // splitmix64 finaliser: nearby (step, g) give unrelated seeds
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
  }
  return std::mt19937_64(x);
}

static WindowLayout cat_layouts(const std::vector<WindowLayout>& ls, size_t from, size_t n) {
  std::vector<torch::Tensor> f, fr, p;
  for (size_t i = from; i < from + n; ++i) f.push_back(ls[i].future), fr.push_back(ls[i].free), p.push_back(ls[i].partial);
  return {torch::cat(f), torch::cat(fr), torch::cat(p)};  // [n,T] each
}

// Evaluation split over the ranks: each takes a contiguous share of the fixed windows, and the
// window-weighted means are summed across ranks (every field of EvalResult is a mean over windows).
static EvalResult evaluate_split(Network& net, const std::string& objective, const torch::Tensor& ids,
                                 const EvalOptions& eo, Dist& dist) {
  if (!dist.active()) return evaluate(net, objective, ids, eo);
  const int64_t N = ids.size(0), W = dist.world(), r = dist.rank();
  const int64_t lo = N * r / W, hi = N * (r + 1) / W;
  EvalResult e = evaluate(net, objective, ids.narrow(0, lo, hi - lo), eo);  // hi > lo: eval_windows >= world
  const double w = double(hi - lo);
  std::vector<double*> means = {&e.first_future_nll, &e.val_loss, &e.past_entropy, &e.mean_iters, &e.converged_share,
                                &e.reconverge_mean_iters, &e.early_exit_share, &e.ahead_nll_before, &e.ahead_nll_after,
                                &e.ahead_iters};
  for (auto* v : {&e.nll_by_distance, &e.entropy_by_distance})
    for (auto& x : *v) means.push_back(&x);
  auto packed = torch::empty({int64_t(means.size()) + 2}, torch::kFloat64);  // [M+2]
  auto* d = packed.data_ptr<double>();
  for (size_t i = 0; i < means.size(); ++i) d[i] = *means[i] * w;
  d[means.size()] = double(e.scored);
  d[means.size() + 1] = e.seconds;
  dist.allreduce_sum(packed);
  for (size_t i = 0; i < means.size(); ++i) *means[i] = d[i] / double(N);
  e.scored = int64_t(d[means.size()]);
  e.seconds = d[means.size() + 1] / double(W);
  e.windows = int(N);
  if (!e.entropy_by_distance.empty()) e.entropy_rank_corr = spearman(e.entropy_by_distance);
  return e;
}

int64_t train(const ModelConfig& model_in, const TrainConfig& cfg, bool resume, const TrainCallback& cb,
              const volatile std::sig_atomic_t* stop, const DistLaunch& launch) {
  const DistEnv& env = launch.env;
  const bool lead = env.rank == 0;  // the one rank that writes files and reports
  auto emit = [&](TrainEvent e) {
    if (cb && lead) cb(e);
  };
  auto say = [&](const std::string& m) { emit({"message", m, {}}); };
  ModelConfig mc = model_in;
  mc.validate();
  cfg.validate();
  if (cfg.objective == "ar") mc.mask = mask_name(MaskKind::Causal);  // what the baseline was trained with, for whoever opens it
  const int W = env.world_size, A = cfg.grad_accum;
  const int micro = micro_batch(cfg, W);
  std::optional<RunDir> run;
  if (lead) {
    run.emplace(cfg.out);  // locked, stale temp files and uncommitted saves removed
    if (run->removed_at_open() > 0)
      say("run: removed " + std::to_string(run->removed_at_open()) + " leftover file(s) of an interrupted save");
  }
  const std::string ck_path = run_checkpoint_path(cfg.out);
  if (!resume) {  // every rank checks (the run directory is shared), so none waits for a refused one
    // A manifest that does not read is refused with its own error: a run is never replaced on a guess.
    const std::optional<CommittedUnit> prev = read_commit(cfg.out, false);
    if (prev)
      throw file_error(cfg.out, "holds a committed run (step " + std::to_string(prev->step) +
                                    "): continue it with --resume, or train into another --out");
  }
  const std::string metrics_path = (fs::path(cfg.out) / "metrics.jsonl").string();

  if (cfg.threads > 0) torch::set_num_threads(cfg.threads);
  torch::Device dev = torch::kCPU;
  if (cfg.device == "cuda" || (cfg.device == "auto" && torch::cuda::is_available())) {
    if (!torch::cuda::is_available()) throw InputError("train: device cuda asked for, but no CUDA device is available");
    dev = torch::Device(torch::kCUDA, int8_t(env.local_rank % std::max<int64_t>(1, torch::cuda::device_count())));
  }
  Dist dist(env, dev, launch.timeout);
  if (dist.active())
    say("distributed: rank 0 of " + std::to_string(W) + " (" + dist.backend() + "), " + std::to_string(micro) +
        " windows per micro-batch x " + std::to_string(A) + " micro-batch(es) per rank, global batch " +
        std::to_string(cfg.batch));
  torch::manual_seed(cfg.seed);

  // ---- checkpoint to resume, tokenizer, token shards
  const auto train_files = corpus_files(cfg.train_files, cfg.data, "train.txt");  // missing files fail first
  const auto val_files = corpus_files(cfg.val_files, cfg.data, "val.txt");
  Checkpoint resumed;
  OptimState ostate;
  std::vector<uint8_t> tok_bytes;
  int64_t committed_step = -1;  // the step of the unit on disk, for messages
  if (resume) {  // every rank reads the committed unit: the run directory is on a shared file system
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
    if (ostate.world_size != W)
      say("resume: the run was written by " + std::to_string(ostate.world_size) + " rank(s), continues on " +
          std::to_string(W) + "; the global batch (" + std::to_string(cfg.batch) + " windows) and the token count stay");
  } else {
    // Rank 0 trains or finds the tokenizer; the others take its bytes, never a tokenizer of their own.
    if (lead) tok_bytes = prepare_tokenizer(cfg, mc.vocab_size, say);
    tok_bytes = dist.share("tokenizer", tok_bytes);
  }
  Tokenizer tok = Tokenizer::from_bytes(tok_bytes);
  auto encode = [&](const std::vector<std::string>& files, const char* name) {
    return encode_corpus(files, tok, tok_bytes, (fs::path(cfg.out) / name).string(), say);
  };
  // Rank 0 writes the shard cache first; the others then reuse it (or encode their own copy).
  TokenView train_tokens, val_tokens;
  if (lead) train_tokens = encode(train_files, "train.tokens"), val_tokens = encode(val_files, "val.tokens");
  dist.barrier("token shards");
  if (!lead) {  // on another node without a shared file system, its own copy
    fs::create_directories(cfg.out);
    train_tokens = encode(train_files, "train.tokens"), val_tokens = encode(val_files, "val.tokens");
  }

  // ---- network and optimizer
  Network net(mc);
  int64_t step = 0, tokens_seen = 0;
  json lineage = json::array();  // the checkpoints this run's weights came from
  if (resume) {
    net = build_network(resumed);
    step = resumed.step;
    tokens_seen = resumed.tokens_seen;
    lineage = resumed.lineage;
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
  std::vector<torch::Tensor> param_list;
  for (auto& p : net->named_parameters()) params.emplace_back(p.key(), p.value()), param_list.push_back(p.value());
  AdamW opt(params, cfg.beta1, cfg.beta2, cfg.weight_decay);
  if (resume) {
    try {
      opt.load_state(ostate.moments, ostate.adam_t);
    } catch (const InputError& e) {
      throw file_error(read_commit(cfg.out, false)->optim_path, e.what());
    }
  }
  dist.broadcast(param_list);  // one start for every rank, whatever each read or initialised
  torch::manual_seed(cfg.seed + 7919 * uint64_t(env.rank));  // dropout differs per rank, as its windows do
  if (lead) trim_metrics(metrics_path, step);  // a fresh run starts an empty file

  json eff = {{"model", mc}, {"train", cfg}, {"params", mc.param_count()}, {"device", dev.str()},
              {"threads", torch::get_num_threads()}, {"libtorch", compat::torch_version()}, {"world_size", W},
              {"train_tokens", train_tokens.size()}, {"val_tokens", val_tokens.size()},
              {"corpus", {{"train", describe(train_tokens)}, {"val", describe(val_tokens)}}}};
  emit({"config", "", eff, step, cfg.steps});
  // Every rank, not only the one that reports: from here a stop signal finishes the step and saves
  // (before it there is nothing to save, and the CLI ends the process at once).
  if (cb) cb({"started", "", {}, step, cfg.steps});
  if (step >= cfg.steps)
    say("resume: the run is at step " + std::to_string(step) + ", --steps is " + std::to_string(cfg.steps) +
        ": nothing to train (raise --steps to continue)");

  EvalOptions eo;
  // More windows than the held-out text has distinct ones would only repeat text: use them all.
  const int eval_len = mc.block_size + cfg.eval_reconverge;
  const int64_t distinct = int64_t(val_tokens.size()) - eval_len + 1;
  int eval_windows = cfg.eval_windows;
  if (distinct >= W && eval_windows > distinct) {
    eval_windows = int(distinct);
    say("eval: --eval-windows " + std::to_string(cfg.eval_windows) + " is more than the " + std::to_string(distinct) +
        " distinct windows in " + std::to_string(val_tokens.size()) + " held-out tokens; evaluating those");
  }
  eo.windows = eval_windows;
  eo.future = std::min(cfg.eval_future, mc.block_size - 1);
  eo.max_iters = cfg.eval_max_iters;
  eo.tol = cfg.eval_tol;
  eo.eta = cfg.eta;
  eo.reconverge = cfg.eval_reconverge;
  eo.think_ahead = false;  // wfc eval's measurement; a periodic eval need not pay for it
  const auto eval_ids = fixed_windows(val_tokens, eval_windows, eval_len, "--eval-windows");

  std::ofstream metrics;
  if (lead) {
    metrics.open(metrics_path, std::ios::app);
    if (!metrics) throw file_error(metrics_path, "cannot open for appending");
  }
  auto write_metrics = [&](const json& j) {
    if (lead) metrics << j.dump() << "\n" << std::flush;
  };

  auto save = [&]() {
    if (!lead) {
      committed_step = step;
      return;
    }
    Checkpoint ck;
    ck.model = mc;
    ck.train = cfg;
    ck.objective = cfg.objective;
    ck.step = step;
    ck.tokens_seen = tokens_seen;
    ck.lineage = lineage;
    ck.world_size = W;
    ck.tokenizer = tok_bytes;
    for (auto& [n, p] : params) ck.params[n] = p.detach().to(torch::kCPU).clone();
    const auto model_bytes = serialize_checkpoint(ck);
    const auto optim_bytes = serialize_optim({step, tokens_seen, opt.t(), W, opt.state()});
    try {
      run->commit(step, W, model_bytes, optim_bytes);
    } catch (const std::exception& e) {
      throw EnvError("saving step " + std::to_string(step) + " failed: " + e.what() + "; " +
                               (committed_step >= 0 ? "the last committed checkpoint is " + ck_path + " (step " +
                                                          std::to_string(committed_step) + ")"
                                                    : "no checkpoint was committed yet"));
    }
    committed_step = step;
    emit({"checkpoint", ck_path, {}, step, cfg.steps});
  };
  bool stopping = false;  // agreed by every rank at the end of a step

  // ---- the loop
  const int T = mc.block_size, K = cfg.objective == "ar" ? 1 : cfg.iters;
  auto t_last = std::chrono::steady_clock::now();
  const auto t_start = t_last;
  const int64_t first_step = step;
  int64_t tokens_last = tokens_seen;
  {  // a signal before the first step: every rank must agree, or one would wait for the others forever
    auto s = torch::tensor({stop && *stop != 0 ? 1.0 : 0.0}, torch::kFloat64);  // [1]
    dist.allreduce_sum(s);
    stopping = s.item<double>() > 0;
  }
  while (step < cfg.steps && !stopping) {
    const double lr = lr_at(cfg, step);
    // Every rank draws the layout of every window of the global batch (cheap), so the loss is
    // normalised by the global batch's row counts and the ranks' gradients simply add up.
    std::vector<WindowLayout> layouts;
    LossNorm norm;
    if (cfg.objective != "ar") {
      layouts.reserve(cfg.batch);
      for (int g = 0; g < cfg.batch; ++g) {
        auto lrng = window_rng(cfg.seed, step, g, 1);
        layouts.push_back(draw_layout(cfg, 1, T, step, lrng));
        norm.future_rows += layouts.back().free.narrow(1, 1, T - 1).sum().item<double>();
        norm.past_rows += layouts.back().future.narrow(1, 1, T - 1).logical_not().sum().item<double>();
      }
    }
    opt.zero_grad();
    LossReport rep;  // summed over this rank's micro-batches
    rep.future_loss.assign(K, 0.0);
    if (cfg.objective != "ar") rep.past_loss.assign(K, 0.0);
    for (int a = 0; a < A; ++a) {
      const int g0 = (env.rank * A + a) * micro;  // this micro-batch's first global window
      std::vector<torch::Tensor> rows;
      for (int g = g0; g < g0 + micro; ++g) {
        auto srng = window_rng(cfg.seed, step, g, 0);
        rows.push_back(sample_windows(train_tokens, 1, T, srng));
      }
      auto ids = torch::cat(rows).to(dev);  // [micro,T]
      compat::AutocastGuard ac(dev, cfg.bf16);
      const LossReport r = cfg.objective == "ar"
                               ? ar_loss_backward(net, ids, double(micro) / double(cfg.batch))
                               : wfc_loss_backward(net, cfg, ids, cat_layouts(layouts, size_t(g0), size_t(micro)), norm);
      rep.loss += r.loss;
      for (int k = 0; k < K; ++k) rep.future_loss[k] += r.future_loss[k];
      for (size_t k = 0; k < r.past_loss.size(); ++k) rep.past_loss[k] += r.past_loss[k];
    }
    // The ranks' sums: gradients in flat buckets, then the reported losses and the stop flag.
    dist.allreduce_grads(param_list);
    if (dist.active()) {
      auto s = torch::zeros({2 + 2 * K}, torch::kFloat64);  // [loss, future_loss[K], past_loss[K], stop]
      auto* d = s.data_ptr<double>();
      d[0] = rep.loss;
      for (int k = 0; k < K; ++k) d[1 + k] = rep.future_loss[k];
      for (size_t k = 0; k < rep.past_loss.size(); ++k) d[1 + K + k] = rep.past_loss[k];
      d[1 + 2 * K] = stop && *stop != 0 ? 1.0 : 0.0;
      dist.allreduce_sum(s);
      rep.loss = d[0];
      for (int k = 0; k < K; ++k) rep.future_loss[k] = d[1 + k];
      for (size_t k = 0; k < rep.past_loss.size(); ++k) rep.past_loss[k] = d[1 + K + k];
      stopping = d[1 + 2 * K] > 0;
    }
    const double gnorm = opt.clip_grad_norm(cfg.grad_clip);
    if (!std::isfinite(rep.loss) || !std::isfinite(gnorm)) {
      std::string last = committed_step >= 0 ? "the last good checkpoint is " + ck_path + " (step " +
                                                   std::to_string(committed_step) + ")"
                                             : "no checkpoint was written yet";
      throw InputError("train: " + std::string(!std::isfinite(rep.loss) ? "loss" : "gradient norm") +
                               " is not finite at step " + std::to_string(step + 1) + "; stopped without saving, " +
                               last + " (HINT lower --lr or raise --warmup)");
    }
    opt.step(lr);
    ++step;
    tokens_seen += int64_t(cfg.batch) * T;
    dist.heartbeat(step);

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
      json j = evaluate_split(net, cfg.objective, eval_ids, eo, dist);
      j["kind"] = "eval";
      j["step"] = step;
      j["tokens"] = tokens_seen;
      write_metrics(j);
      emit({"eval", "", j, step, cfg.steps});
      net->train();
    }
    if ((cfg.ckpt_every > 0 && step % cfg.ckpt_every == 0) || step == cfg.steps) save();
    if (!dist.active()) stopping = stop && *stop != 0;  // one rank: a signal during this step stops after it
  }
  if (stopping && step < cfg.steps) {  // the step in flight is finished: keep it
    if (committed_step != step) save();
    dist.barrier("the last save");  // the ranks end together, never while rank 0 still writes
    emit({"stopped", ck_path, {}, step, cfg.steps});
    return step;
  }
  dist.barrier("the last save");
  emit({"done", ck_path, {}, step, cfg.steps});
  return step;
}

}  // namespace wfc
