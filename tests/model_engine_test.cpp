// The refinement engine with real numbers: entropies, collapse, pinning, minting, masks, policies,
// determinism and early exit.
#include <cmath>

#include "model/engine.h"
#include "model/generate.h"
#include "model/policies.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;

namespace {

ModelConfig small_config(const std::string& mask = "block") {
  ModelConfig c;
  c.vocab_size = 64; c.block_size = 24; c.n_layer = 2; c.n_head = 2; c.n_embd = 32; c.mask = mask;
  return c;
}

Engine make_engine(const ModelConfig& c, EngineConfig e = {}, uint64_t seed = 7) {
  torch::manual_seed(seed);
  if (e.future == 16) e.future = 6;
  return Engine(Network(c), e);
}

// Zeroing the residual projections makes every block the identity: the update becomes a fixed,
// contractive chain, which must exit early.
void make_blocks_identity(Network& net) {
  torch::NoGradGuard ng;
  for (auto& p : net->named_parameters())
    if (p.key().find("_proj") != std::string::npos) p.value().zero_();
}

}  // namespace

TEST(Engine, EntropyOfUniformIsLogVAndOfOneHotIsZero) {
  Engine e = make_engine(small_config());
  e.reset({3, 4, 5});
  StepReport r = e.snapshot();
  ASSERT_EQ(r.length, 3 + 6);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(r.entropy[i], 0.0, 1e-5) << i;
  for (int i = 3; i < r.length; ++i) EXPECT_NEAR(r.entropy[i], std::log(64.0), 1e-5) << i;
}

TEST(Engine, FullCollapseIsOneHotWithZeroEntropy) {
  Engine e = make_engine(small_config());
  e.reset({3, 4, 5});
  e.converge();
  for (Pick how : {Pick::Argmax, Pick::Sample, Pick::Token}) {
    const int pos = how == Pick::Argmax ? 4 : how == Pick::Sample ? 6 : 7;
    const int want = e.probs()[pos].argmax().item<int>();
    const int t = e.collapse(pos, how, 11);
    if (how == Pick::Argmax) EXPECT_EQ(t, want);
    if (how == Pick::Token) EXPECT_EQ(t, 11);
    StepReport r = e.snapshot();
    EXPECT_NEAR(r.entropy[pos], 0.0, 1e-6);
    EXPECT_EQ(r.argmax[pos], t);
    EXPECT_EQ(RowStatus(r.status[pos]), RowStatus::Collapsed);
    EXPECT_FLOAT_EQ(e.probs()[pos].sum().item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(e.probs()[pos][t].item<float>(), 1.0f);
  }
  // Held from then on: more iterations do not move it.
  auto before = e.probs()[4].clone();
  e.converge();
  EXPECT_TRUE(torch::equal(before, e.probs()[4]));
  expect_input_error([&] { e.collapse(4); }, {"already collapsed"});
  expect_input_error([&] { e.collapse(1); }, {"not in the future"});
}

TEST(Engine, PartialCollapseIsMonotoneInAlpha) {
  Engine base = make_engine(small_config());
  base.reset({3, 4, 5});
  base.converge();
  const auto p0 = base.probs().clone();
  const int pos = 5, t = 9;
  float lastH = 1e9, lastP = -1;
  for (float alpha : {0.0f, 0.1f, 0.3f, 0.5f, 0.7f, 0.9f, 1.0f}) {
    base.set_probs_row(pos, p0[pos]);
    base.release(pos);
    base.collapse_partial(pos, alpha, 0, t);
    StepReport r = base.snapshot();
    const float pt = base.probs()[pos][t].item<float>();
    EXPECT_LE(r.entropy[pos], lastH + 1e-6) << alpha;
    EXPECT_GE(pt, lastP - 1e-6) << alpha;
    EXPECT_NEAR(base.probs()[pos].sum().item<float>(), 1.0f, 1e-5);
    EXPECT_EQ(RowStatus(r.status[pos]), RowStatus::Partial);
    EXPECT_FLOAT_EQ(r.alpha[pos], alpha);
    lastH = r.entropy[pos];
    lastP = pt;
  }
  EXPECT_NEAR(lastH, 0.0, 1e-5);  // alpha 1 is a full one-hot
  // Held for 3 iterations, then free again.
  base.set_probs_row(pos, p0[pos]);
  base.release(pos);
  base.collapse_partial(pos, 0.5f, 3, t);
  auto held = base.probs()[pos].clone();
  for (int i = 0; i < 3; ++i) base.step();
  EXPECT_TRUE(torch::equal(held, base.probs()[pos]));
  EXPECT_EQ(base.status()[pos], RowStatus::Free);
  // Sharpening lowers entropy and keeps the arg-max.
  const int am = base.probs()[6].argmax().item<int>();
  const float h0 = base.snapshot().entropy[6];
  base.sharpen(6, 0.5f);
  EXPECT_LT(base.snapshot().entropy[6], h0);
  EXPECT_EQ(base.probs()[6].argmax().item<int>(), am);
}

TEST(Engine, PinnedPastRowsAreBitIdentical) {
  for (const std::string mask : {"none", "causal", "block"}) {
    Engine e = make_engine(small_config(mask));
    e.reset({1, 2, 3, 4, 5});
    auto past = e.probs().narrow(0, 0, 5).clone();
    for (int i = 0; i < 25; ++i) e.step();
    e.collapse(7);
    e.converge();
    EXPECT_TRUE(torch::equal(past, e.probs().narrow(0, 0, 5))) << mask;
  }
  // With drift the past moves (row 0 has no predictor under the shifted read-out).
  EngineConfig d;
  d.pin_past = false;
  Engine e = make_engine(small_config(), d);
  e.reset({1, 2, 3, 4, 5});
  auto past = e.probs().narrow(0, 0, 5).clone();
  e.step();
  EXPECT_TRUE(torch::equal(past[0], e.probs()[0]));
  EXPECT_FALSE(torch::equal(past.narrow(0, 1, 4), e.probs().narrow(0, 1, 4)));
}

TEST(Engine, MintShiftsStatusesAndKeepsConvergedState) {
  ModelConfig c = small_config();
  EngineConfig ec;
  ec.future = 6;
  Engine e = make_engine(c, ec);
  e.reset({1, 2, 3});  // 3 past + 6 future = 9 of 24 rows
  e.converge();
  e.collapse(3);
  e.collapse_partial(5, 0.4f);
  auto before = e.probs().clone();
  auto st = e.status();
  const int t = e.mint();
  EXPECT_EQ(t, before[3].argmax().item<int>());
  EXPECT_EQ(e.n_past(), 4);
  ASSERT_EQ(e.length(), 10);  // grew: the future keeps 6 rows
  for (int i = 0; i < 9; ++i) {
    EXPECT_TRUE(torch::equal(before[i], e.probs()[i])) << i;
    EXPECT_EQ(e.status()[i], i == 3 ? RowStatus::Past : st[i]) << i;
  }
  EXPECT_NEAR(e.snapshot().entropy[9], std::log(64.0), 1e-5);
  expect_input_error([&] { e.mint(); }, {"not collapsed"});

  // A full window slides: row 0 drops out, everything else moves one to the left.
  Engine f = make_engine(c, ec);
  f.reset(std::vector<int>(30, 5));  // keeps the last 18 tokens: 18 + 6 = 24 rows, full
  ASSERT_EQ(f.length(), 24);
  f.converge();
  f.collapse(18);
  f.pin(20);
  before = f.probs().clone();
  st = f.status();
  f.mint();
  ASSERT_EQ(f.length(), 24);
  EXPECT_EQ(f.n_past(), 18);
  for (int i = 0; i < 23; ++i) {
    EXPECT_TRUE(torch::equal(before[i + 1], f.probs()[i])) << i;
    EXPECT_EQ(f.status()[i], i == 17 ? RowStatus::Past : st[i + 1]) << i;
  }
  EXPECT_EQ(f.status()[19], RowStatus::Pinned);
  EXPECT_EQ(f.status()[23], RowStatus::Free);
}

TEST(Engine, CausalMaskKeepsThePastBlindToTheFuture) {
  for (const std::string mask : {"causal", "block"}) {
    torch::manual_seed(3);
    Network net(small_config(mask));
    net->eval();
    torch::NoGradGuard ng;
    const int L = 12, n_past = 5;
    auto p = torch::softmax(torch::randn({1, L, 64}), -1);
    auto fut = (torch::arange(L) >= n_past).unsqueeze(0);
    auto out = [&](const torch::Tensor& q) { return net->readout(net->stack(net->embed(q), net->attention_mask(fut))); };
    auto a = out(p);
    auto q = p.clone();
    q[0][8] = torch::softmax(torch::randn({64}) * 5, -1);  // change a future row
    auto b = out(q);
    EXPECT_TRUE(torch::equal(a.narrow(1, 0, n_past), b.narrow(1, 0, n_past))) << mask;
    EXPECT_FALSE(torch::allclose(a.narrow(1, n_past, L - n_past), b.narrow(1, n_past, L - n_past))) << mask;
    if (mask == "block") {  // two-way inside the future: row 6 sees row 8
      EXPECT_FALSE(torch::allclose(a[0][6], b[0][6])) << mask;
    } else {
      EXPECT_TRUE(torch::equal(a[0][7], b[0][7])) << mask;
    }
  }
}

TEST(Engine, HeldMaskSeesHeldRowsToTheRightButNotFreeOnes) {
  torch::manual_seed(3);
  Network net(small_config("held"));
  net->eval();
  torch::NoGradGuard ng;
  const int L = 12, n_past = 5;
  auto p = torch::softmax(torch::randn({1, L, 64}), -1);
  auto fut = (torch::arange(L) >= n_past).unsqueeze(0);                   // [1,L]
  auto held = torch::zeros({1, L}, torch::kBool);
  held[0][8] = true;
  auto out = [&](const torch::Tensor& q, const torch::Tensor& h) {
    return net->readout(net->stack(net->embed(q), net->attention_mask(fut, h)));
  };
  auto q = p.clone();
  q[0][8] = torch::softmax(torch::randn({64}) * 5, -1);                   // change row 8
  // Row 8 free: rows before it cannot see it, as under a causal mask.
  auto a = out(p, {}), b = out(q, {});
  EXPECT_TRUE(torch::equal(a.narrow(1, 0, 8), b.narrow(1, 0, 8)));
  EXPECT_FALSE(torch::allclose(a[0][9], b[0][9]));
  // Row 8 held: the future rows before it see it, the past still does not.
  auto c = out(p, held), d = out(q, held);
  EXPECT_TRUE(torch::equal(c.narrow(1, 0, n_past), d.narrow(1, 0, n_past)));
  for (int i = n_past; i < 8; ++i) EXPECT_FALSE(torch::allclose(c[0][i], d[0][i])) << i;
  // A held row that is not in the future changes nothing.
  auto past_held = torch::zeros({1, L}, torch::kBool);
  past_held[0][2] = true;
  EXPECT_TRUE(torch::equal(out(p, past_held), a));

  // In the engine: collapsing row 10 moves the free rows before it only under the held status.
  Engine e = make_engine(small_config("held"));
  e.reset({1, 2, 3, 4, 5});
  e.converge();
  const auto before = e.probs().clone();
  e.collapse(10, Pick::Token, 7);
  e.step();
  // Rows 0-4 are the past; row 5 is fed by row 4's read-out, which sees only the past.
  EXPECT_TRUE(torch::equal(before.narrow(0, 0, 6), e.probs().narrow(0, 0, 6)));
  // Row 6 is fed by row 5's read-out, and row 5 sees the collapsed row 10.
  EXPECT_FALSE(torch::allclose(before[6], e.probs()[6]));
}

TEST(Policies, ChooseTheRightRows) {
  // rows 0-2 past, 3.. future; row 4 collapsed
  const std::vector<float> H = {0, 0, 0, 3.0f, 0.0f, 1.0f, 5.0f, 0.5f, 4.0f};
  std::vector<uint8_t> st(9, uint8_t(RowStatus::Free));
  for (int i = 0; i < 3; ++i) st[i] = uint8_t(RowStatus::Past);
  st[4] = uint8_t(RowStatus::Collapsed);
  auto pos = [](const std::vector<CollapseChoice>& c) {
    std::vector<int> p;
    for (auto& x : c) p.push_back(x.pos);
    return p;
  };
  EXPECT_EQ(pos(make_policy("first-future")->choose(H, st, 3)), std::vector<int>({3}));
  EXPECT_EQ(pos(make_policy("lowest-entropy")->choose(H, st, 3)), std::vector<int>({7}));
  PolicyParams pp;
  // threshold: rows at least tau below the candidates' median entropy (3.0 here).
  pp.threshold = 1.5f;  // at or under 1.5: rows 7 (0.5) and 5 (1.0)
  EXPECT_EQ(pos(make_policy("threshold", pp)->choose(H, st, 3)), std::vector<int>({5, 7}));
  pp.threshold = 0.0f;  // the lower half and the median itself
  EXPECT_EQ(pos(make_policy("threshold", pp)->choose(H, st, 3)), std::vector<int>({3, 5, 7}));
  pp.threshold = 2.6f;  // nothing at or under 0.4: still the most certain row, never empty
  EXPECT_EQ(pos(make_policy("threshold", pp)->choose(H, st, 3)), std::vector<int>({7}));
  // Relative to the curve: the whole curve 10 nats higher (a larger vocabulary, a far future)
  // chooses the same rows.
  std::vector<float> H10 = H;
  for (auto& h : H10) h += 10.0f;
  pp.threshold = 1.5f;
  EXPECT_EQ(pos(make_policy("threshold", pp)->choose(H10, st, 3)), std::vector<int>({5, 7}));
  pp.budget = 1.6f;     // 0.5 + 1.0 fits, + 3.0 does not
  EXPECT_EQ(pos(make_policy("entropy-budget", pp)->choose(H, st, 3)), std::vector<int>({5, 7}));
  pp.budget = 0.1f;     // even the first exceeds it: still one
  EXPECT_EQ(pos(make_policy("entropy-budget", pp)->choose(H, st, 3)), std::vector<int>({7}));
  pp.alpha = 0.3f;      // candidates by entropy: 7(0.5) 5(1) 3(3) 8(4) 6(5) -> median 3
  auto m = make_policy("median-partial", pp)->choose(H, st, 3);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].pos, 3);
  EXPECT_TRUE(m[0].partial);
  EXPECT_FLOAT_EQ(m[0].alpha, 0.3f);
  EXPECT_TRUE(make_policy("manual")->choose(H, st, 3).empty());
  expect_input_error([] { make_policy("greedy"); }, {"greedy", "first-future"});
  // Random entropy vectors: threshold and budget never return empty while a candidate exists.
  std::mt19937 rng(1);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<float> h(20);
    std::vector<uint8_t> s(20, uint8_t(RowStatus::Free));
    for (auto& x : h) x = std::uniform_real_distribution<float>(0, 8)(rng);
    const int n_past = int(rng() % 19);
    for (int i = 0; i < n_past; ++i) s[i] = uint8_t(RowStatus::Past);
    pp.threshold = std::uniform_real_distribution<float>(0, 2)(rng);
    EXPECT_FALSE(make_policy("threshold", pp)->choose(h, s, n_past).empty());
    EXPECT_FALSE(make_policy("entropy-budget", pp)->choose(h, s, n_past).empty());
  }
}

TEST(Engine, SameSeedGivesTheSameTrace) {
  auto run = [](uint64_t seed) {
    EngineConfig ec;
    ec.seed = seed;
    ec.max_iters = 6;
    Engine e = make_engine(small_config(), ec, 5);
    e.reset({1, 2, 3});
    std::vector<StepReport> trace;
    GenerateHooks h;
    h.on_step = [&](const StepReport& r) {
      trace.push_back(r);
      return true;
    };
    auto s = generate(e, *make_policy("lowest-entropy"), 6, Pick::Sample, h);
    return std::make_pair(trace, s.minted);
  };
  auto [a, ma] = run(42);
  auto [b, mb] = run(42);
  auto [c, mc] = run(43);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(ma, mb);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].entropy, b[i].entropy) << i;
    EXPECT_EQ(a[i].topk_ids, b[i].topk_ids) << i;
    EXPECT_EQ(a[i].status, b[i].status) << i;
    EXPECT_EQ(a[i].kl, b[i].kl) << i;
  }
  EXPECT_NE(ma, mc);  // and the seed matters
}

TEST(Engine, EarlyExitOnAContractiveUpdate) {
  for (float eta : {1.0f, 0.5f}) {
    EngineConfig ec;
    ec.future = 6;
    ec.max_iters = 64;
    ec.eta = eta;
    ec.tol = 1e-4f;
    torch::manual_seed(1);
    Network net(small_config("causal"));
    make_blocks_identity(net);
    Engine e(net, ec);
    e.reset({1, 2, 3});
    std::vector<float> kls;
    int n = e.converge([&](const StepReport& r) {
      kls.push_back(r.max_kl);
      return true;
    });
    EXPECT_LT(n, 64) << "eta " << eta;
    EXPECT_LT(kls.back(), 1e-4f);
    EXPECT_GT(kls.front(), 1e-3f);
    EXPECT_LT(kls.back(), kls.front() / 20);
    // Converged means converged: one more iteration hardly moves anything.
    EXPECT_LT(e.step().max_kl, 1e-4f);
    std::cout << "    eta " << eta << ": converged in " << n << " iterations, KL " << kls.front() << " -> "
              << kls.back() << "\n";
  }
  // Cancelling from the callback stops at once.
  EngineConfig never;
  never.tol = 0;  // nothing converges: only the callback can stop it
  Engine e(Network(small_config()), never);
  e.reset({1});
  int calls = 0;
  EXPECT_EQ(e.converge([&](const StepReport&) { return ++calls < 3; }), 3);
}

// The lab's history restores saved moments: the restored engine must be the same engine, bit for
// bit, and go on exactly as the original would (same iterations, same samples).
TEST(Engine, SavedStateRestoresBitIdenticallyAndContinuesTheSame) {
  EngineConfig ec;
  ec.future = 6;
  ec.seed = 11;
  Engine e = make_engine(small_config(), ec);
  e.reset({3, 5, 7, 9});
  e.converge();
  e.collapse(e.n_past() + 1, Pick::Sample);
  e.collapse_partial(e.n_past() + 3, 0.4f, 5);
  e.pin(e.n_past() + 4);
  e.step();
  const EngineState saved = e.save_state();
  const auto p0 = e.probs().clone();
  const auto st0 = e.status();
  // Soft rows only: the one-hot past and the collapsed row are kept as tokens.
  EXPECT_LT(saved.soft_rows.size(), size_t(e.length()));
  EXPECT_EQ(saved.soft_rows.size(), size_t(e.length() - e.n_past() - 1));

  // Where the original goes from here ...
  e.converge();
  e.collapse(e.n_past(), Pick::Sample);
  const int t_orig = e.mint();
  const auto p_orig = e.probs().clone();

  // ... a restored engine goes too, after the state has been elsewhere.
  e.reset({1, 2});
  e.converge();
  e.restore_state(saved);
  EXPECT_TRUE(torch::equal(e.probs(), p0));
  EXPECT_EQ(e.status(), st0);
  e.converge();
  e.collapse(e.n_past(), Pick::Sample);
  EXPECT_EQ(e.mint(), t_orig);
  EXPECT_TRUE(torch::equal(e.probs(), p_orig));

  // A state from another vocabulary is refused with a clear error.
  EngineState foreign = saved;
  foreign.soft = torch::zeros({1, e.vocab() + 1});
  foreign.soft_rows = {0};
  expect_input_error([&] { e.restore_state(foreign); }, {"another vocabulary"});
  expect_input_error([&] { e.restore_state(EngineState()); }, {"empty state"});
}

// The engine counts the slide: absolute position = offset() + window row, across a full window,
// through save/restore, and future_row() converts once with a clear error outside the future.
TEST(Engine, OffsetCountsTheSlideAndFutureRowConvertsAbsolutePositions) {
  EngineConfig ec;
  ec.future = 4;
  Engine e = make_engine(small_config(), ec);  // block_size 24
  std::vector<int> prompt(18, 5);
  e.reset(prompt);
  ASSERT_EQ(e.length(), 22);
  EXPECT_EQ(e.offset(), 0);
  for (int k = 0; k < 5; ++k) {
    e.collapse(e.n_past(), Pick::Argmax);
    e.mint();
  }
  // 22 -> 24 rows fill the window; the next three mints slide it.
  EXPECT_EQ(e.length(), 24);
  EXPECT_EQ(e.offset(), 3);
  EXPECT_EQ(e.future_row(e.offset() + e.n_past(), "collapse"), e.n_past());
  expect_input_error([&] { e.future_row(e.offset() + e.n_past() - 1, "pin"); },
                     {"pin: position 22 is not in the future (positions 23..26)"});
  const EngineState s = e.save_state();
  e.reset({1});
  EXPECT_EQ(e.offset(), 0);
  e.restore_state(s);
  EXPECT_EQ(e.offset(), 3);
}

// converge_step() is converge() one iteration at a time: the same iterations, the count going on
// across calls, done on the iteration converge() stops at; an action starts a fresh count.
TEST(Engine, ConvergeStepResumesAndMatchesConverge) {
  EngineConfig ec;
  ec.future = 5;
  ec.max_iters = 40;
  Engine a = make_engine(small_config(), ec), b = make_engine(small_config(), ec);
  a.reset({3, 4, 5});
  b.reset({3, 4, 5});
  std::vector<StepReport> ra;
  a.converge([&](const StepReport& r) { ra.push_back(r); return true; });
  std::vector<StepReport> rb;
  do rb.push_back(b.converge_step());
  while (!rb.back().converge_done);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(rb[i].converge_iteration, int(i) + 1);
    EXPECT_EQ(ra[i].entropy, rb[i].entropy);
  }
  EXPECT_TRUE(ra.back().converge_done);
  b.collapse(b.n_past() + 1);
  EXPECT_EQ(b.converge_step().converge_iteration, 1);
  EXPECT_EQ(b.converge_step().converge_iteration, 2);
  // max_iters ends a re-convergence that never meets the tolerance.
  EngineConfig never = ec;
  never.tol = 0;
  never.max_iters = 3;
  Engine c = make_engine(small_config(), never);
  c.reset({1});
  EXPECT_FALSE(c.converge_step().converge_done);
  EXPECT_FALSE(c.converge_step().converge_done);
  const StepReport last = c.converge_step();
  EXPECT_TRUE(last.converge_done);
  EXPECT_EQ(last.converge_iteration, 3);
  EXPECT_EQ(c.converge_step().converge_iteration, 1);
}

TEST(Engine, PartialCollapseReturnsTheTokenItBlendsToward) {
  Engine e = make_engine(small_config());
  e.reset({3, 4, 5});
  e.converge();
  const int row = e.n_past() + 2;
  const int best = e.snapshot().argmax[row];
  EXPECT_EQ(e.collapse_partial(row, 0.3f), best);
  EXPECT_EQ(e.collapse_partial(e.n_past() + 3, 0.3f, 0, 17), 17);
}

// Defect: the lab's play round collapsed the first future row only when the policy chose nothing,
// so median-partial (always one partial choice) never minted. One play_round for both now.
TEST(Engine, PlayRoundWithMedianPartialMintsEveryRound) {
  Engine e = make_engine(small_config());
  e.reset({3, 4, 5});
  auto policy = make_policy("median-partial");
  int minted = 0;
  for (int round = 0; round < 4; ++round) {
    e.converge();
    const int64_t first = e.offset() + e.n_past();
    const PlayRound r = play_round(e, *policy, Pick::Argmax);
    ASSERT_EQ(r.minted.size(), 1u) << "round " << round;
    EXPECT_EQ(r.first_minted, first);
    ASSERT_EQ(r.collapses.size(), 2u);
    EXPECT_TRUE(r.collapses[0].partial);
    EXPECT_TRUE(r.collapses[1].forced);
    EXPECT_EQ(r.collapses[1].pos, first);
    EXPECT_EQ(r.collapses[1].token, r.minted[0]);
    minted += int(r.minted.size());
  }
  EXPECT_EQ(minted, 4);
  // A policy that collapses fully is not forced: lowest-entropy may leave the first row free.
  e.converge();
  const PlayRound r = play_round(e, *make_policy("lowest-entropy"), Pick::Argmax);
  ASSERT_EQ(r.collapses.size(), 1u);
  EXPECT_FALSE(r.collapses[0].forced);
}
