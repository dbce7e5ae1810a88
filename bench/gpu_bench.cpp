// The suite's GPU part (built only against a CUDA LibTorch; scripts/gpu-check.sh runs it):
//   - one refinement iteration of the bundled model on CUDA: the engine's step (eager, full and
//     cached past), and the same iteration's tensor work captured once in a CUDA graph and replayed
//     (a small model's iteration is launch-bound: ~80 kernels);
//   - one training step (16 x 128 windows), fp32 and bf16 autocast, AR and WFC K=2.
//   build-gpu/bench/wfc_gpu_bench [--reps N] [--checkpoint PATH]     one JSON object per line
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/adamw.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/numbers.h"
#include "model/engine.h"
#include "model/objective.h"
#include "model/torch_compat.h"

using namespace wfc;
using clk = std::chrono::steady_clock;

namespace {

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

// Times fn (synchronised) `reps` times after 5 warm-ups; prints one line.
void measure(const std::string& section, const std::string& variant, int reps, const std::function<void()>& fn,
             double tokens = 0) {
  for (int i = 0; i < 5; ++i) fn();
  torch::cuda::synchronize();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = clk::now();
    fn();
    torch::cuda::synchronize();
    ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
  }
  nlohmann::json j = {{"section", section}, {"variant", variant}, {"device", "cuda"}, {"n", reps},
                      {"median_ms", quantile(ms, 0.5)}, {"p90_ms", quantile(ms, 0.9)}};
  if (tokens > 0) j["tokens_per_s_median"] = tokens / (quantile(ms, 0.5) / 1000.0);
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ckpt = std::string(WFC_SOURCE_DIR) + "/checkpoints/default.safetensors";
  int reps = 50;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps") {
      try {
        reps = int(num::parse_int(argv[++i], "option --reps", {5, 100000}));
      } catch (const InputError& e) {
        std::fprintf(stderr, "wfc_gpu_bench: %s\n", e.what());
        return 2;
      }
    }
    else if (a == "--checkpoint") ckpt = argv[++i];
  }
  if (!torch::cuda::is_available()) {
    std::fprintf(stderr, "wfc_gpu_bench: no CUDA device\n");
    return 1;
  }
  const torch::Device dev(torch::kCUDA);
  Checkpoint ck = load_checkpoint(ckpt);
  const int V = ck.model.vocab_size, T = ck.model.block_size, F = 16, P = T - F;
  std::mt19937_64 rng(1);
  std::vector<int> prompt(T);
  for (auto& t : prompt) t = int(rng() % uint64_t(V));

  {  // ---- the engine's iteration, eager
    torch::NoGradGuard ng;
    for (bool cached : {false, true}) {
      EngineConfig ec;
      ec.future = F;
      ec.cache_past = cached;
      Engine e(build_network(ck), ec, dev);
      e.reset(prompt);
      measure("iteration", std::string("engine step, eager, ") + (cached ? "cached past" : "full window"), reps,
              [&] { e.step(); });
    }
  }

  {  // ---- the iteration's tensor work: eager vs one CUDA graph replay
    torch::NoGradGuard ng;
    Network net = build_network(ck);
    net->to(dev);
    net->eval();
    const auto& E = net->wte->weight;                                      // [V,C]
    auto ids = torch::tensor(std::vector<int64_t>(prompt.begin(), prompt.begin() + P), torch::kLong).to(dev);
    auto past_x = E.index_select(0, ids);                                  // [P,C]
    auto p = torch::full({F, V}, 1.0f / float(V), E.options());            // [F,V] the future rows
    auto future = (torch::arange(T, torch::TensorOptions().device(dev)) >= P).unsqueeze(0);  // [1,T]
    auto allowed = net->attention_mask(future, ck.model.mask);            // [1,1,T,T]
    auto iterate = [&] {  // x = [past; p @ E], f(x), shifted read-out, p <- q
      auto x = torch::cat({past_x, torch::matmul(p, E)}, 0).unsqueeze(0); // [1,T,C]
      auto h = net->stack(x, allowed)[0].narrow(0, P - 1, F);             // [F,C]
      p.copy_(torch::softmax(net->readout(h), -1));                        // [F,V]
    };
    measure("iteration", "tensor work, eager, full window", reps, iterate);
    // Capture on a side stream (CUDA graphs cannot capture the legacy default stream).
    auto stream = c10::cuda::getStreamFromPool();
    at::cuda::CUDAGraph graph;
    {
      c10::cuda::CUDAStreamGuard guard(stream);
      for (int i = 0; i < 3; ++i) iterate();
      stream.synchronize();
      graph.capture_begin();
      iterate();
      graph.capture_end();
    }
    measure("iteration", "tensor work, CUDA graph replay, full window", reps, [&] { graph.replay(); });
  }

  {  // ---- training step
    const int B = 16;
    for (bool bf16 : {false, true})
      for (bool wfc : {false, true}) {
        torch::manual_seed(0);
        ModelConfig c = ck.model;
        c.dropout = 0;
        Network net(c);
        net->to(dev);
        net->train();
        std::vector<std::pair<std::string, torch::Tensor>> params;
        for (auto& q : net->named_parameters()) params.emplace_back(q.key(), q.value());
        AdamW opt(params, 0.9f, 0.95f, 0.1f);
        auto x = torch::randint(0, V, {B, T}, torch::kLong).to(dev);
        TrainConfig tc;
        tc.future_min = tc.future_max = F;
        tc.clean_share = 1.0;
        std::mt19937_64 r2(1);
        const WindowLayout layout = draw_layout(tc, B, T, 0, r2);
        measure("train", std::string(wfc ? "wfc++ wfc K=2" : "wfc++ ar") + (bf16 ? ", bf16 autocast" : ", fp32"), reps / 2,
                [&] {
                  opt.zero_grad();
                  {
                    compat::AutocastGuard ag(dev, bf16);
                    if (wfc) wfc_loss_backward(net, tc, x, layout);
                    else ar_loss_backward(net, x);
                  }
                  opt.clip_grad_norm(1.0);
                  opt.step(1e-3);
                },
                double(B) * T);
      }
  }
  return 0;
}
