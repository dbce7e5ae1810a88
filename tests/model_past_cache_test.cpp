// The cached past (past_cache.h) against the full recompute, over long random sessions; the
// focus that lets `generate` run only the rows its policy reads; the KV-cached AR decode.
#include <cstdio>
#include <map>
#include <random>

#include "model/ar_decode.h"
#include "model/engine.h"
#include "model/evaluate.h"
#include "model/generate.h"
#include "model/objective.h"
#include "model/policies.h"
#include "test_util.h"

using namespace wfc;

namespace {

ModelConfig cache_config(const std::string& mask, const std::string& pos, const std::string& readout) {
  ModelConfig c;
  c.vocab_size = 64; c.block_size = 24; c.n_layer = 3; c.n_head = 2; c.n_embd = 32;
  c.mask = mask; c.pos = pos; c.readout = readout; c.lookahead = 2;
  c.held_embedding = mask == "held";
  return c;
}

// Two engines on the same weights, one with the cached past, one without.
struct Pair {
  Pair(const ModelConfig& c, EngineConfig e) {
    torch::manual_seed(11);
    Network net(c);
    {  // a non-zero held embedding, so a wrong held row would show
      torch::NoGradGuard ng;
      if (net->held_emb.defined()) net->held_emb.normal_(0.0, 0.5);
    }
    Network copy(c);
    {
      torch::NoGradGuard ng;
      auto src = net->named_parameters();
      for (auto& p : copy->named_parameters()) p.value().copy_(src[p.key()]);
    }
    e.cache_past = true;
    cached = std::make_unique<Engine>(net, e);
    e.cache_past = false;
    full = std::make_unique<Engine>(copy, e);
  }
  template <class F>
  void both(F f) {
    f(*cached);
    f(*full);
  }
  double diff() const { return (cached->probs() - full->probs()).abs().max().item<double>(); }
  std::unique_ptr<Engine> cached, full;
};

// A long random session: steps, collapses (to a token the test picks, so both engines stay on
// the same path), partials, sharpens, pins, releases, mints (with slides), edits of the past and
// resets.
double random_session(Pair& pr, uint64_t seed, int ops) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int n) { return int(rng() % uint64_t(n)); };
  std::mt19937_64 edits(seed + 1);
  double worst = 0;
  EngineState saved[2];  // an undo point (the lab's history), per engine
  pr.both([](Engine& e) { e.reset({1, 2, 3, 4}); });
  for (int op = 0; op < ops; ++op) {
    Engine& c = *pr.cached;
    const int n_past = c.n_past(), L = c.length();
    const int pos = n_past + uni(L - n_past);
    const bool collapsed = c.status()[pos] == RowStatus::Collapsed;
    switch (uni(11)) {
      case 0: case 1: case 2:
        pr.both([](Engine& e) { e.step(); });
        break;
      case 3:
        if (!collapsed) {
          const int t = uni(c.vocab());
          pr.both([&](Engine& e) { e.collapse(pos, Pick::Token, t); });
        }
        break;
      case 4:
        if (!collapsed) {
          const int t = uni(c.vocab()), hold = uni(3);
          pr.both([&](Engine& e) { e.collapse_partial(pos, 0.6f, hold, t); });
        }
        break;
      case 5:
        if (!collapsed) pr.both([&](Engine& e) { e.sharpen(pos, 0.5f, 0); });
        break;
      case 6:
        pr.both([&](Engine& e) { e.pin(pos); });
        break;
      case 7:
        pr.both([&](Engine& e) { e.release(pos); });
        break;
      case 8: {  // mint one or two rows (the first future row collapsed to a chosen token)
        for (int m = 0; m < 1 + uni(2); ++m) {
          const int first = c.n_past(), t = uni(c.vocab());
          pr.both([&](Engine& e) {
            if (e.status()[first] != RowStatus::Collapsed) e.collapse(first, Pick::Token, t);
            e.mint();
          });
        }
        break;
      }
      case 9:
        if (uni(8) == 0) {
          std::vector<int> prompt(1 + uni(30));
          for (auto& t : prompt) t = uni(c.vocab());
          pr.both([&](Engine& e) { e.reset(prompt); });
        } else {
          pr.both([](Engine& e) { e.converge(); });
        }
        break;
      case 10:  // undo: back to a saved moment (often a shorter past), or save one
        if (!saved[0].empty() && uni(2) == 0) {
          pr.cached->restore_state(saved[0]);
          pr.full->restore_state(saved[1]);
        } else {
          saved[0] = pr.cached->save_state();
          saved[1] = pr.full->save_state();
        }
        break;
    }
    // Now and then a counterfactual: a past token replaced (the cache's key changes under it).
    // Its own random stream, so the operations above stay the ones the counters below expect.
    if (edits() % 40 == 0) {
      const int r = int(edits() % uint64_t(pr.cached->n_past())), t = int(edits() % uint64_t(c.vocab()));
      pr.both([&](Engine& e) { e.edit_past(r, t); });
      worst = std::max(worst, pr.diff());
      pr.both([](Engine& e) { e.step(); });
    }
    worst = std::max(worst, pr.diff());
  }
  return worst;
}

}  // namespace

TEST(PastCache, EqualsTheFullRecomputeOverLongRandomSessions) {
  struct Case { const char *mask, *pos, *readout; };
  const Case cases[] = {{"held", "rotary", "shifted"},    {"block", "rotary", "shifted"},
                        {"causal", "rotary", "shifted"},  {"lookahead", "rotary", "shifted"},
                        {"held", "learned", "shifted"},   {"block", "learned", "shifted"},
                        {"causal", "learned", "shifted"}, {"held", "rotary", "same"},
                        {"block", "rotary", "same"},      {"causal", "learned", "same"},
                        {"lookahead", "learned", "same"}, {"lookahead", "rotary", "same"}};
  for (const Case& k : cases) {
    const std::string mask = k.mask, pos = k.pos, readout = k.readout;
    EngineConfig e;
    e.future = 6;
    e.max_iters = 4;
    Pair pr(cache_config(mask, pos, readout), e);
    const double worst = random_session(pr, 1234, 300);
    std::printf("    %s, %s, %s: max |dp| %.2g\n", k.mask, k.pos, k.readout, worst);
    EXPECT_LE(worst, 1e-5) << mask << " " << pos << " " << readout;
    const PastCache& pc = pr.cached->past_cache();
    EXPECT_GT(pc.builds, 0) << mask;
    EXPECT_GT(pc.reuses, pc.builds) << mask << ": the past must be run once, then reused";
    if (mask != "lookahead") {
      EXPECT_GT(pc.extends, 0) << mask << ": a mint without a slide extends";
      EXPECT_GT(pc.truncations, 0) << mask << ": an undo of mints cuts the cache";
    }
    EXPECT_EQ(pr.full->past_cache().builds, 0);
  }
}

TEST(PastCache, DriftAndTheTwoWayMaskUseTheWholeWindow) {
  for (bool drift : {false, true}) {
    EngineConfig e;
    e.future = 6;
    e.max_iters = 4;
    e.pin_past = !drift;
    Pair pr(cache_config(drift ? "held" : "none", "rotary", "shifted"), e);
    EXPECT_LE(random_session(pr, 99, 80), 1e-5);
    EXPECT_EQ(pr.cached->past_cache().builds, 0) << (drift ? "drift" : "none");
  }
}

TEST(PastCache, FirstFutureRunsOneRowAndMintsTheSameText) {
  // Under the causal and held masks the first future row sees only the past: generate() need not
  // run the rows after it, and must mint exactly what a run over every row mints.
  for (const std::string mask : {"held", "causal", "block"}) {
    EngineConfig e;
    e.future = 6;
    e.max_iters = 8;
    e.tol = 1e-6f;
    Pair pr(cache_config(mask, "rotary", "shifted"), e);
    auto policy = make_policy("first-future");
    pr.both([](Engine& x) { x.reset({5, 6, 7}); });
    GenerateStats fast = generate(*pr.cached, *policy, 40, Pick::Argmax);
    std::vector<int> slow;
    Engine& f = *pr.full;
    for (int i = 0; i < 40; ++i) {
      f.converge();
      f.collapse(f.n_past(), Pick::Argmax);
      slow.push_back(f.mint());
    }
    EXPECT_EQ(fast.minted, slow) << mask;
    EXPECT_EQ(pr.cached->focus(), 0) << "generate leaves no focus behind";
    // The first row's feedback is fixed by the past: converged on the second iteration.
    EXPECT_LE(fast.iterations, 2 * 40) << mask;
  }
}

TEST(ArDecode, KvCacheEqualsRecomputingTheWindow) {
  ModelConfig c = cache_config("causal", "rotary", "shifted");
  torch::manual_seed(5);
  Network net(c);
  net->eval();
  const std::vector<int> prompt = {3, 9, 27, 17, 51};
  ArDecodeStats s = ar_decode(net, prompt, 50);  // 50 > 24: the window overflows twice
  ASSERT_EQ(s.tokens.size(), 50u);
  EXPECT_GE(s.prefills, 2);
  torch::NoGradGuard ng;
  std::vector<int> ctx = prompt, want;
  for (int i = 0; i < 50; ++i) {
    auto ids = torch::tensor(std::vector<int64_t>(ctx.begin(), ctx.end()), torch::kLong).unsqueeze(0);  // [1,n]
    auto none = torch::zeros_like(ids, torch::kBool);
    auto h = net->stack(net->embed_tokens(ids), net->attention_mask(none, mask_name(MaskKind::Causal)));  // [1,n,C]
    const int t = int(net->readout(h[0][ids.size(1) - 1]).argmax().item<int64_t>());
    want.push_back(t);
    ctx.push_back(t);
    if (int(ctx.size()) > c.block_size) ctx.erase(ctx.begin(), ctx.end() - c.block_size / 2);
  }
  EXPECT_EQ(s.tokens, want);

  // The same network as a WFC engine under first-future: the same tokens while the context fits
  // the engine's past (24 - 6 future rows = 18: 13 tokens after the 5 of the prompt).
  EngineConfig e;
  e.future = 6;
  e.max_iters = 8;
  e.tol = 1e-6f;
  Engine engine(net, e);
  engine.reset(prompt);
  GenerateStats g = generate(engine, *make_policy("first-future"), 13, Pick::Argmax);
  EXPECT_EQ(g.minted, std::vector<int>(s.tokens.begin(), s.tokens.begin() + 13));
  // A picker sees the distribution: picking its arg-max by hand gives the same tokens.
  ArDecodeStats picked = ar_decode(net, prompt, 50, [](const float* p, int V) {
    return int(std::max_element(p, p + V) - p);
  });
  EXPECT_EQ(picked.tokens, s.tokens);
}

TEST(PastCache, EvaluationGivesTheSameNumbers) {
  for (const std::string mask : {"held", "block"}) {
    ModelConfig c = cache_config(mask, "rotary", "shifted");
    torch::manual_seed(3);
    Network net(c);
    net->eval();
    auto ids = torch::randint(0, c.vocab_size, {6, c.block_size + 2}, torch::kLong);  // [N,T+R]
    EvalOptions o;
    o.windows = 6; o.future = 6; o.reconverge = 2; o.batch = 3; o.ahead = 4; o.max_iters = 6;
    o.cache_past = false;
    EvalResult full = evaluate(net, "wfc", ids, o);
    o.cache_past = true;
    EvalResult cached = evaluate(net, "wfc", ids, o);
    ASSERT_EQ(full.nll_by_distance.size(), cached.nll_by_distance.size());
    for (size_t d = 0; d < full.nll_by_distance.size(); ++d) {
      EXPECT_NEAR(full.nll_by_distance[d], cached.nll_by_distance[d], 1e-4) << mask << " d=" << d;
      EXPECT_NEAR(full.entropy_by_distance[d], cached.entropy_by_distance[d], 1e-4) << mask << " d=" << d;
    }
    EXPECT_NEAR(full.ahead_nll_after, cached.ahead_nll_after, 1e-4) << mask;
    EXPECT_NEAR(full.mean_iters, cached.mean_iters, 0.34) << mask;  // a KL at the tolerance may tip
  }
}

TEST(Eval, ThinkAheadGainIsZeroWhereTheFirstRowCannotSeeTheFutureAndMeasuredWhereItCan) {
  // Held and block masks with a shifted read-out: the first future token is read out from the last
  // past row, which is causal, so one future row or six give the same NLL, and that NLL is the
  // network's own next-token NLL (scored as an AR model on the same windows). A two-way mask lets
  // that row see the speculated future: the gain is measured, not zero.
  for (const std::string mask : {"held", "block", "none"}) {
    ModelConfig c = cache_config(mask, "rotary", "shifted");
    torch::manual_seed(4);
    Network net(c);
    net->eval();
    auto ids = torch::randint(0, c.vocab_size, {6, c.block_size + 2}, torch::kLong);  // [N,T+R]
    EvalOptions o;
    o.windows = 6; o.future = 6; o.reconverge = 2; o.batch = 4; o.ahead = 0; o.max_iters = 8; o.tol = 1e-6f;
    EvalResult r = evaluate(net, "wfc", ids, o);
    ASSERT_TRUE(r.think_ahead) << mask;
    EXPECT_NEAR(r.think_ahead_gain, r.first_future_nll_f1 - r.first_future_nll, 1e-12) << mask;
    if (mask == "none") {
      EXPECT_GT(std::abs(r.think_ahead_gain), 1e-3) << mask;
    } else {
      EXPECT_NEAR(r.think_ahead_gain, 0.0, 1e-5) << mask;
      EXPECT_NEAR(r.first_future_nll_f1, evaluate(net, "ar", ids, o).first_future_nll, 1e-4) << mask;
    }
    o.future = 1;  // nothing to compare with
    EXPECT_FALSE(evaluate(net, "wfc", ids, o).think_ahead) << mask;
  }
}

TEST(PastCache, TrainingSharesThePastWithTheSameLossAndGradients) {
  for (const std::string mask : {"held", "block", "causal"})
    for (int m : {1, 2}) {
      ModelConfig c = cache_config(mask, "rotary", "shifted");
      torch::manual_seed(8);
      Network net(c);
      TrainConfig tc;
      tc.future_min = 2;
      tc.future_max = 7;
      tc.iters = 3;
      tc.grad_iters = m;
      std::mt19937_64 rng(5);
      const WindowLayout layout = draw_layout(tc, 4, c.block_size, 0, rng);
      EXPECT_GE(shared_past_rows(net, tc, layout), c.block_size - tc.future_max) << mask;
      auto ids = torch::randint(0, c.vocab_size, {4, c.block_size}, torch::kLong);
      std::map<std::string, torch::Tensor> grads[2];
      double loss[2];
      for (int reuse : {0, 1}) {
        for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
        loss[reuse] = wfc_loss_backward(net, tc, ids, layout, {}, reuse == 1).loss;
        for (auto& p : net->named_parameters()) grads[reuse][p.key()] = p.value().grad().clone();
      }
      EXPECT_NEAR(loss[0], loss[1], 1e-5 * std::abs(loss[0])) << mask << " m=" << m;
      for (auto& [name, g] : grads[0]) {
        const double scale = g.abs().max().item<double>();
        EXPECT_LE((g - grads[1][name]).abs().max().item<double>(), 1e-5 + 1e-4 * scale) << mask << " " << name;
      }
    }
}

TEST(PastCache, AnUndoOfMintsCutsTheCacheAndContinuesBitIdentically) {
  // The lab's undo: the cache is cut back to the shorter past, so what follows is bit-identical to
  // a session that never made the undone mints (a replayed script).
  for (const std::string mask : {"held", "causal"}) {
    EngineConfig e;
    e.future = 6;
    e.max_iters = 5;
    Pair pr(cache_config(mask, "rotary", "shifted"), e);
    Engine& a = *pr.cached;
    a.reset({7, 8, 9, 10, 11});
    a.converge();
    const EngineState s = a.save_state();
    for (int i = 0; i < 2; ++i) {
      a.collapse(a.n_past(), Pick::Token, 20 + i);
      a.mint();
    }
    a.converge();
    a.restore_state(s);
    a.collapse(a.n_past() + 2, Pick::Token, 33);
    a.converge();
    EXPECT_EQ(a.past_cache().truncations, 1) << mask;

    Pair fresh(cache_config(mask, "rotary", "shifted"), e);
    Engine& b = *fresh.cached;
    b.reset({7, 8, 9, 10, 11});
    b.converge();
    b.collapse(b.n_past() + 2, Pick::Token, 33);
    b.converge();
    EXPECT_TRUE(torch::equal(a.probs(), b.probs())) << mask;
  }
}

TEST(Engine, TheNextEmbeddingIsTheUpdateNormsProductAndEqualsARecompute) {
  // The update norm |dp @ E| / |x| is taken as |newp @ E - p @ E| / |x|, and newp @ E is reused as
  // the next iteration's embedding: one V-wide product per iteration, and a restored engine (which
  // recomputes it) continues bit-identically.
  EngineConfig e;
  e.future = 6;
  e.max_iters = 50;
  e.tol = 0;  // never converged: every step runs
  Pair pr(cache_config("causal", "rotary", "shifted"), e);
  Engine& a = *pr.cached;
  Pair other(cache_config("causal", "rotary", "shifted"), e);   // the same weights (seed 11)
  Engine& b = *other.cached;
  a.reset({7, 8, 9, 10, 11});
  a.step();
  const int64_t products = a.soft_products();
  StepReport r;
  for (int i = 0; i < 5; ++i) r = a.step();
  EXPECT_EQ(a.soft_products() - products, 5);                    // once per step, not twice
  // The norm equals |dp @ E| / |p @ E| of the last step within float rounding.
  b.restore_state(a.save_state());
  auto before = b.probs().clone();
  StepReport rb = b.step();
  StepReport ra = a.step();
  EXPECT_TRUE(torch::equal(a.probs(), b.probs()));              // reused == recomputed, bit for bit
  torch::NoGradGuard ng;
  const auto& E = pr.cached->network()->wte->weight;              // [V,C]
  auto dp = a.probs() - before;                                  // [L,V]
  for (int i = a.n_past(); i < a.length(); ++i) {
    const double want = (dp[i].matmul(E).norm() / before[i].matmul(E).norm()).item<double>();
    EXPECT_NEAR(ra.update[size_t(i)], want, 1e-5 * std::max(1.0, want)) << "row " << i;
    EXPECT_EQ(ra.update[size_t(i)], rb.update[size_t(i)]) << "row " << i;
  }
}
