// The CUDA path against the CPU: the engine (full and cached past), a training step and the
// evaluation agree within float tolerance. Skipped where no CUDA device is visible (every CPU
// machine); scripts/gpu-check.sh runs them on a GPU.
#include "model/engine.h"
#include "model/evaluate.h"
#include "model/objective.h"
#include "test_util.h"

using namespace wfc;

namespace {

ModelConfig cuda_config() {
  ModelConfig c;
  c.vocab_size = 96; c.block_size = 32; c.n_layer = 2; c.n_head = 2; c.n_embd = 32; c.mask = "held";
  c.held_embedding = true;
  return c;
}

Network copy_of(const Network& src) {
  Network n(src->cfg);
  torch::NoGradGuard ng;
  auto from = src->named_parameters();
  for (auto& p : n->named_parameters()) p.value().copy_(from[p.key()]);
  return n;
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kCPU) - b.to(torch::kCPU)).abs().max().item<double>();
}

#define NEED_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

}  // namespace

TEST(Cuda, EngineEqualsCpu) {
  NEED_CUDA();
  for (bool cached : {false, true}) {
    torch::manual_seed(1);
    Network net(cuda_config());
    EngineConfig e;
    e.future = 8;
    e.max_iters = 6;
    e.cache_past = cached;
    Engine cpu(copy_of(net), e), gpu(copy_of(net), e, torch::kCUDA);
    double worst = 0;
    for (Engine* x : {&cpu, &gpu}) x->reset({4, 8, 15, 16, 23, 42});
    for (int round = 0; round < 12; ++round) {
      for (Engine* x : {&cpu, &gpu}) x->converge();
      worst = std::max(worst, max_diff(cpu.probs(), gpu.probs()));
      const int t = (round * 37) % 96, far = cpu.n_past() + 5;
      for (Engine* x : {&cpu, &gpu}) {
        x->collapse_partial(far, 0.5f, 2, t);
        x->step();
        x->collapse(x->n_past(), Pick::Token, t);
        x->mint();
      }
      worst = std::max(worst, max_diff(cpu.probs(), gpu.probs()));
    }
    EXPECT_LE(worst, 1e-4) << (cached ? "cached past" : "full window");
  }
}

TEST(Cuda, TrainingStepEqualsCpu) {
  NEED_CUDA();
  torch::manual_seed(2);
  Network a(cuda_config());
  Network b = copy_of(a);
  b->to(torch::kCUDA);
  TrainConfig tc;
  tc.future_max = 8;
  std::mt19937_64 rng(3);
  const WindowLayout layout = draw_layout(tc, 4, 32, 0, rng);
  auto ids = torch::randint(0, 96, {4, 32}, torch::kLong);
  LossReport ra = wfc_loss_backward(a, tc, ids, layout);
  LossReport rb = wfc_loss_backward(b, tc, ids.to(torch::kCUDA), layout);
  EXPECT_NEAR(ra.loss, rb.loss, 1e-4 * std::abs(ra.loss));
  auto ga = a->named_parameters(), gb = b->named_parameters();
  for (auto& p : ga) {
    const auto& g1 = p.value().grad();
    const auto& g2 = gb[p.key()].grad();
    ASSERT_TRUE(g1.defined() && g2.defined()) << p.key();
    EXPECT_LE(max_diff(g1, g2), 1e-4 + 1e-3 * g1.abs().max().item<double>()) << p.key();
  }
}

TEST(Cuda, EvaluationEqualsCpu) {
  NEED_CUDA();
  torch::manual_seed(4);
  Network a(cuda_config());
  a->eval();
  Network b = copy_of(a);
  b->to(torch::kCUDA);
  b->eval();
  auto ids = torch::randint(0, 96, {4, 34}, torch::kLong);
  EvalOptions o;
  o.windows = 4; o.future = 8; o.reconverge = 2; o.batch = 2; o.ahead = 4; o.max_iters = 8;
  EvalResult ra = evaluate(a, "wfc", ids, o), rb = evaluate(b, "wfc", ids.to(torch::kCUDA), o);
  for (size_t d = 0; d < ra.nll_by_distance.size(); ++d)
    EXPECT_NEAR(ra.nll_by_distance[d], rb.nll_by_distance[d], 1e-3) << d;
  EXPECT_NEAR(ra.first_future_nll, rb.first_future_nll, 1e-3);
}
