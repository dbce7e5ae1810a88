// Training: the loss falls, resume replays an uninterrupted run exactly, a diverging run stops
// without touching its last checkpoint, and the training iteration is the engine's iteration.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/data.h"
#include "model/engine.h"
#include "model/evaluate.h"
#include "model/file_io.h"
#include "model/objective.h"
#include "model/run_commit.h"
#include "model/trainer.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;
using nlohmann::json;

namespace {

// A tiny run on the sample text: 2 layers x 32 wide, window 32, vocab 400.
TrainConfig tiny_run(const std::string& dir, const std::string& objective) {
  TrainConfig c;
  c.objective = objective;
  c.train_files = data_path("tiny.txt");
  c.val_files = data_path("tiny.txt");
  c.out = dir;
  c.steps = 40;
  c.batch = 8;
  c.lr = 3e-3;
  c.warmup = 5;
  c.eval_every = 0;
  c.eval_windows = 4;
  c.eval_future = 8;
  c.eval_reconverge = 1;
  c.ckpt_every = 0;
  c.log_every = 1;
  c.future_max = 12;
  c.threads = 2;
  c.device = "cpu";
  return c;
}

ModelConfig tiny_model() { return tiny_config(400); }

void write_tokenizer(const std::string& dir) {
  std::filesystem::create_directories(dir);
  write_file_atomic(dir + "/tokenizer.model", tiny_tokenizer().data(), tiny_tokenizer().size());
}

std::vector<json> metrics(const std::string& dir, const std::string& kind) {
  std::vector<json> out;
  std::ifstream in(dir + "/metrics.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line);
    if (j["kind"] == kind) out.push_back(j);
  }
  return out;
}

double mean_loss(const std::vector<json>& m, size_t from, size_t n) {
  double s = 0;
  for (size_t i = from; i < from + n; ++i) s += m[i]["loss"].get<double>();
  return s / double(n);
}

}  // namespace

TEST(Train, LossFallsForBothObjectives) {
  for (const char* objective : {"wfc", "ar"}) {
    const std::string dir = temp_dir() + "/" + objective;
    write_tokenizer(dir);
    TrainConfig c = tiny_run(dir, objective);
    train(tiny_model(), c, false, nullptr);
    auto m = metrics(dir, "train");
    ASSERT_EQ(m.size(), 40u);
    const double first = mean_loss(m, 0, 5), last = mean_loss(m, 35, 5);
    std::cout << "    " << objective << ": loss " << first << " -> " << last << " in 40 steps\n";
    EXPECT_LT(last, first * 0.8) << objective;
    // The checkpoint at the end is a normal checkpoint with the effective config inside.
    Checkpoint ck = load_checkpoint(run_checkpoint_path(dir));
    EXPECT_EQ(ck.step, 40);
    EXPECT_EQ(ck.objective, objective);
    EXPECT_EQ(ck.tokens_seen, 40 * 8 * 32);
    EXPECT_EQ(ck.train["steps"], 40);
    EXPECT_EQ(ck.train["objective"], objective);
    EXPECT_EQ(metrics(dir, "eval").size(), 1u);  // at the end
  }
}

TEST(Train, ResumeMatchesAnUninterruptedRun) {
  const std::string base = temp_dir();
  const std::string full = base + "/full", cut = base + "/cut";
  write_tokenizer(full);
  write_tokenizer(cut);
  TrainConfig c = tiny_run(full, "wfc");
  c.steps = 24;
  c.ckpt_every = 12;
  c.partial_share = 0.2;  // exercise every random draw
  c.random_mask_share = 0.3;
  train(tiny_model(), c, false, nullptr);

  // The same run killed right after its step-12 checkpoint, then resumed.
  c.out = cut;
  struct Killed {};
  try {
    train(tiny_model(), c, false, [](const TrainEvent& e) {
      if (e.kind == "log" && e.step == 14) throw Killed{};  // dies after logging steps 13 and 14
    });
    FAIL() << "the run was not interrupted";
  } catch (const Killed&) {
  }
  EXPECT_EQ(load_checkpoint(run_checkpoint_path(cut)).step, 12);
  train(tiny_model(), c, true, nullptr);

  auto a = metrics(full, "train"), b = metrics(cut, "train");
  ASSERT_EQ(a.size(), 24u);
  ASSERT_EQ(b.size(), 24u) << "metrics after the checkpoint should be replaced, not duplicated";
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["step"], b[i]["step"]);
    EXPECT_EQ(a[i]["loss"].get<double>(), b[i]["loss"].get<double>()) << "step " << a[i]["step"];
    EXPECT_EQ(a[i]["grad_norm"].get<double>(), b[i]["grad_norm"].get<double>()) << "step " << a[i]["step"];
  }
  std::cout << "    loss at step 24: " << a.back()["loss"] << " (uninterrupted) vs " << b.back()["loss"] << " (resumed)\n";
  // Weights end bit-identical.
  auto ka = load_checkpoint(run_checkpoint_path(full)), kb = load_checkpoint(run_checkpoint_path(cut));
  for (const auto& [n, t] : ka.params) EXPECT_TRUE(torch::equal(t, kb.params.at(n))) << n;
}

TEST(Train, NonFiniteLossStopsAndKeepsTheLastCheckpoint) {
  const std::string dir = temp_dir();
  write_tokenizer(dir);
  TrainConfig c = tiny_run(dir, "ar");
  c.lr = 1e30;  // the first update overflows the weights
  c.min_lr = 1e30;
  c.warmup = 0;
  c.grad_clip = 0;
  c.ckpt_every = 1;
  try {
    train(tiny_model(), c, false, nullptr);
    FAIL() << "a run with lr 1e30 did not stop";
  } catch (const InputError& e) {  // the config's fault (its HINT says what to change): exit 2
    const std::string m = e.what();
    std::cout << "    " << m << "\n";
    EXPECT_NE(m.find("not finite"), std::string::npos) << m;
    EXPECT_NE(m.find("last good checkpoint"), std::string::npos) << m;
  }
  // The checkpoint on disk loads and holds finite weights.
  Checkpoint ck = load_checkpoint(run_checkpoint_path(dir));
  for (const auto& [n, t] : ck.params) EXPECT_TRUE(torch::isfinite(t).all().item<bool>()) << n;
}

TEST(Train, ResumeRefusesAMissingOrAlteredRun) {
  const std::string dir = temp_dir();
  TrainConfig c = tiny_run(dir, "wfc");
  expect_input_error([&] { train(tiny_model(), c, true, nullptr); }, {"ckpt.safetensors", "nothing to resume"});
  write_tokenizer(dir);
  c.steps = 4;
  train(tiny_model(), c, false, nullptr);
  // The committed unit is what --resume trusts: an optimizer state changed after its commit is named.
  const auto unit = read_commit(dir);
  ASSERT_TRUE(unit);
  EXPECT_EQ(unit->step, 4);
  const auto good = read_file_bytes(unit->optim_path);
  auto bad = good;
  bad[bad.size() - 3] ^= 0x40;
  write_file_atomic(unit->optim_path, bad.data(), bad.size());
  c.steps = 6;
  expect_input_error([&] { train(tiny_model(), c, true, nullptr); }, {unit->optim_path, "content hash"});
  write_file_atomic(unit->optim_path, good.data(), good.size());
  EXPECT_EQ(train(tiny_model(), c, true, nullptr), 6);
}

// A stop request (what SIGINT/SIGTERM set) finishes the step in flight, commits it and returns.
TEST(Train, StopRequestSavesTheStepInFlight) {
  const std::string dir = temp_dir();
  write_tokenizer(dir);
  TrainConfig c = tiny_run(dir, "ar");
  c.steps = 30;
  volatile std::sig_atomic_t stop = 0;
  std::string stopped_at;
  const int64_t step = train(tiny_model(), c, false, [&](const TrainEvent& e) {
    if (e.kind == "log" && e.step == 7) stop = SIGINT;
    if (e.kind == "stopped") stopped_at = e.text + " " + std::to_string(e.step);
  }, &stop);
  EXPECT_EQ(step, 7);
  EXPECT_EQ(stopped_at, run_checkpoint_path(dir) + " 7");
  EXPECT_EQ(load_checkpoint(run_checkpoint_path(dir)).step, 7);
  EXPECT_EQ(read_commit(dir)->step, 7);
  EXPECT_EQ(metrics(dir, "eval").size(), 0u) << "a stop is not the end of the run";
  EXPECT_EQ(train(tiny_model(), c, true, nullptr), 30);
}

TEST(Train, ConfigRejectsUnknownFieldsAndBadValues) {
  expect_input_error([] { json{{"stepz", 3}}.get<TrainConfig>(); }, {"unknown field 'stepz'"});
  expect_input_error([] { json{{"steps", "many"}}.get<TrainConfig>(); }, {"train config: steps: expected an integer in [1, ", "got \"many\""});
  TrainConfig c;
  c.grad_iters = 3;
  c.iters = 2;
  expect_input_error([&] { c.validate(); }, {"grad_iters"});
  c = TrainConfig{};
  c.collapse_share = 0.8;
  c.partial_share = 0.2;
  expect_input_error([&] { c.validate(); }, {"collapse_share + partial_share"});
  // Round trip keeps every field.
  c = TrainConfig{};
  c.iters = 5;
  c.iter_weights = "linear";
  c.bf16 = false;
  json j = c;
  TrainConfig d = j.get<TrainConfig>();
  EXPECT_EQ(json(d), j);
}

TEST(Train, LayoutDrawsTheConfiguredShares) {
  TrainConfig c;
  c.future_min = 4;
  c.future_max = 20;
  c.collapse_share = 0.3;
  c.partial_share = 0.2;
  std::mt19937_64 rng(7);
  auto l = draw_layout(c, 512, 64, 0, rng);
  const double fut = l.future.sum().item<double>(), fr = l.free.sum().item<double>();
  const double part = (l.partial > 0).sum().item<double>();
  std::cout << "    future rows " << fut << ": free " << fr / fut << ", partial " << part / fut << "\n";
  EXPECT_NEAR(fut / 512, 12.0, 0.6);  // mean of U{4..20}
  EXPECT_NEAR(fr / fut, 0.5, 0.03);
  EXPECT_NEAR(part / fut, 0.2, 0.03);
  // Suffix futures: every future row's right neighbour is future too; row 0 is never future.
  auto f = l.future;
  EXPECT_FALSE(f.select(1, 0).any().item<bool>());
  EXPECT_TRUE((f.narrow(1, 0, 63) <= f.narrow(1, 1, 63)).all().item<bool>());
  // Curriculum: at step 0 of a ramp every future has future_min rows.
  c.curriculum_steps = 100;
  auto l0 = draw_layout(c, 64, 64, 0, rng);
  EXPECT_EQ(l0.future.sum().item<int64_t>(), 64 * 4);
  // Random-position windows put future rows anywhere but row 0.
  c.curriculum_steps = 0;
  c.random_mask_share = 1.0;
  auto lr = draw_layout(c, 256, 64, 0, rng);
  EXPECT_FALSE(lr.future.select(1, 0).any().item<bool>());
  EXPECT_FALSE((lr.future.narrow(1, 0, 63) <= lr.future.narrow(1, 1, 63)).all().item<bool>());
  // Clean windows: about half the windows hold no collapsed or partial row; the rest keep the shares.
  c.random_mask_share = 0.0;
  c.clean_share = 0.5;
  auto lc = draw_layout(c, 1024, 64, 0, rng);
  auto held = lc.future & lc.free.logical_not();                          // [1024,64]
  const double clean = (held.any(1).logical_not()).sum().item<double>() / 1024;
  const double held_share = held.sum().item<double>() / lc.future.sum().item<double>();
  std::cout << "    clean windows " << clean << ", held rows " << held_share << "\n";
  EXPECT_NEAR(clean, 0.5 + 0.5 * 0.02, 0.05);  // a 12-row future with shares 0.5 is rarely all free
  EXPECT_NEAR(held_share, 0.5 * 0.5, 0.03);
}

// The training unroll, the batched evaluation and the interactive engine are one iteration rule.
TEST(Train, TrainingUnrollEvaluationAndEngineAgree) {
  Checkpoint ck = tiny_checkpoint(3);
  ck.model.mask = "block";
  for (auto& [n, t] : ck.params) t.mul_(0.2);  // keep a random network's read-out away from one-hot
  Network net = build_network(ck);
  net->eval();
  const int T = ck.model.block_size, Fn = 8, P = T - Fn, V = ck.model.vocab_size;
  torch::manual_seed(5);
  auto ids = torch::randint(3, V, {1, T}, torch::kLong);  // [1,T]

  // Engine: the past, then Fn uniform rows; K iterations.
  EngineConfig ec;
  ec.future = Fn;
  ec.tol = 1e-30f;  // never converged: run max_iters
  ec.max_iters = 3;
  Engine eng(build_network(ck), ec);
  std::vector<int> past(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + P);
  eng.reset(past);
  std::vector<double> engine_nll;  // mean future NLL of the state after each iteration
  for (int k = 0; k < 3; ++k) {
    eng.step();
    auto p = eng.probs().narrow(0, P, Fn);                                // [F,V]
    auto tgt = ids[0].narrow(0, P, Fn).unsqueeze(1);                      // [F,1]
    engine_nll.push_back(-p.gather(1, tgt).log().mean().item<double>());
  }

  // Training unroll: the same window, every future row free, K = 3, eta = 1.
  TrainConfig c;
  c.iters = 3;
  c.grad_iters = 2;
  WindowLayout l{torch::zeros({1, T}, torch::kBool), torch::zeros({1, T}, torch::kBool), torch::zeros({1, T})};
  l.future.narrow(1, P, Fn).fill_(true);
  l.free.narrow(1, P, Fn).fill_(true);
  auto rep = wfc_loss_backward(net, c, ids, l);
  ASSERT_EQ(rep.future_loss.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    std::cout << "    iteration " << k + 1 << ": engine " << engine_nll[k] << ", training " << rep.future_loss[k] << "\n";
    EXPECT_NEAR(engine_nll[k], rep.future_loss[k], 1e-4) << "iteration " << k + 1;
  }
  EXPECT_GT(std::abs(rep.future_loss[0] - rep.future_loss[2]), 1e-4) << "feedback changed nothing";

  // Batched evaluation converges the same window to the same state as the engine.
  EvalOptions o;
  o.future = Fn;
  o.reconverge = 0;
  o.max_iters = 40;
  o.tol = 1e-5f;
  auto r = evaluate(net, "wfc", ids, o);
  EngineConfig ec2 = ec;
  ec2.max_iters = 40;
  ec2.tol = 1e-5f;
  Engine eng2(build_network(ck), ec2);
  eng2.reset(past);
  const int iters = eng2.converge();
  auto p = eng2.probs().narrow(0, P, Fn);
  EXPECT_EQ(r.mean_iters, double(iters));
  for (int d = 0; d < Fn; ++d) {
    const double nll = -std::log(p[d][ids[0][P + d].item<int64_t>()].item<double>());
    EXPECT_NEAR(r.nll_by_distance[d], nll, 1e-4) << "distance " << d + 1;
  }
  std::cout << "    converged in " << iters << " iterations in both\n";
}

// With learned positions the evaluation added the position table twice to past rows (the token
// embedding already carried it): its numbers were not the engine's.
TEST(Train, EvaluationWithLearnedPositionsMatchesTheEngine) {
  Checkpoint ck = tiny_checkpoint(4);
  ck.model.pos = "learned";
  ck.params.clear();
  for (const auto& [name, shape] : expected_shapes(ck.model)) ck.params[name] = torch::randn(shape) * 0.2;
  Network net = build_network(ck);
  net->eval();
  const int T = ck.model.block_size, Fn = 8, P = T - Fn;
  torch::manual_seed(6);
  auto ids = torch::randint(3, ck.model.vocab_size, {1, T}, torch::kLong);  // [1,T]
  for (const bool cache : {false, true}) {
    EvalOptions o;
    o.future = Fn;
    o.reconverge = 0;
    o.ahead = 0;
    o.max_iters = 40;
    o.tol = 1e-5f;
    o.cache_past = cache;
    auto r = evaluate(net, "wfc", ids, o);
    EngineConfig ec;
    ec.future = Fn;
    ec.max_iters = 40;
    ec.tol = 1e-5f;
    Engine eng(build_network(ck), ec);
    eng.reset(std::vector<int>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + P));
    const int iters = eng.converge();
    auto p = eng.probs().narrow(0, P, Fn);
    EXPECT_EQ(r.mean_iters, double(iters)) << "cache " << cache;
    for (int d = 0; d < Fn; ++d)
      EXPECT_NEAR(r.nll_by_distance[d], -std::log(p[d][ids[0][P + d].item<int64_t>()].item<double>()), 1e-4)
          << "distance " << d + 1 << ", cache " << cache;
  }
}

// The collapse-ahead probe of the evaluation is the engine's collapse and re-convergence; under a
// causal mask the rows left of the collapse cannot see it, under block and held they do.
TEST(Train, CollapseAheadProbeMatchesTheEngine) {
  for (const std::string variant : {"block", "held", "held+embedding", "causal"}) {
    const std::string mask = variant.substr(0, variant.find('+'));
    Checkpoint ck = tiny_checkpoint(3);
    ck.model.mask = mask;
    for (auto& [n, t] : ck.params) t.mul_(0.2);
    if (variant != mask) {  // the held row also carries the held embedding, in both code paths
      ck.model.held_embedding = true;
      torch::manual_seed(9);
      ck.params.emplace("held_emb", torch::randn({ck.model.n_embd}) * 0.5);
    }
    Network net = build_network(ck);
    net->eval();
    const int T = ck.model.block_size, Fn = 8, P = T - Fn, ahead = 6;
    torch::manual_seed(5);
    auto ids = torch::randint(3, ck.model.vocab_size, {1, T}, torch::kLong);  // [1,T]
    EvalOptions o;
    o.future = Fn;
    o.reconverge = 0;
    o.max_iters = 40;
    o.tol = 1e-6f;
    o.ahead = ahead;
    auto r = evaluate(net, "wfc", ids, o);
    ASSERT_EQ(r.ahead, ahead) << mask;

    EngineConfig ec;
    ec.future = Fn;
    ec.max_iters = 40;
    ec.tol = 1e-6f;
    Engine eng(build_network(ck), ec);
    eng.reset(std::vector<int>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + P));
    auto nll = [&] {  // mean NLL of rows d = 2 .. ahead-1
      double sum = 0;
      for (int d = 2; d < ahead; ++d) sum -= std::log(eng.probs()[P + d - 1][ids[0][P + d - 1].item<int64_t>()].item<double>());
      return sum / (ahead - 2);
    };
    eng.converge();
    const double before = nll();
    eng.collapse(P + ahead - 1, Pick::Token, int(ids[0][P + ahead - 1].item<int64_t>()));
    const int iters = eng.converge();
    const double after = nll();
    std::cout << "    " << variant << ": before " << before << ", after " << after << " (" << iters << " iterations)\n";
    EXPECT_NEAR(r.ahead_nll_before, before, 1e-4) << mask;
    EXPECT_NEAR(r.ahead_nll_after, after, 1e-4) << mask;
    EXPECT_EQ(r.ahead_iters, double(iters)) << mask;
    if (mask == "causal") EXPECT_NEAR(after, before, 1e-3) << mask;
    else EXPECT_GT(std::abs(after - before), 1e-3) << mask;
  }
}

TEST(Train, SpearmanRankCorrelation) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(spearman({1, 3, 2, 4}), 0.8, 1e-12);
  EXPECT_EQ(spearman({2, 2, 2}), 0.0);
}
