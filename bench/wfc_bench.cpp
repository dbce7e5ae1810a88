// The benchmark suite's C++ part. Every variant of a section runs interleaved in one process
// (variant A, B, C, A, B, C, ...), so a neighbour's load hits them alike; medians and p90.
//   build/bench/wfc_bench [SECTION ...] [--checkpoint PATH] [--reps N] [--threads N]
// SECTION: system iteration click generate ar train (default: all). One JSON object per line.
// A section's variants share one process; compare them with each other, not across runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/adamw.h"
#include "model/ar_decode.h"
#include "model/blas_runtime.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/numbers.h"
#include "model/engine.h"
#include "model/generate.h"
#include "model/objective.h"
#include "model/policies.h"

using namespace wfc;
using clk = std::chrono::steady_clock;

namespace {

double ms_since(clk::time_point t0) { return std::chrono::duration<double, std::milli>(clk::now() - t0).count(); }

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

void emit(nlohmann::json j, const std::vector<double>& ms) {
  j["n"] = ms.size();
  j["median_ms"] = quantile(ms, 0.5);
  j["p90_ms"] = quantile(ms, 0.9);
  j["p95_ms"] = quantile(ms, 0.95);
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

std::vector<int> prompt_of(int n, int vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> p(n);
  for (auto& t : p) t = int(rng() % uint64_t(vocab));
  return p;
}

int threads_override = 0;  // --threads N: every variant at N threads (a loaded machine), 0 = each its own

struct Variant {
  std::string name;
  int threads;
  std::function<double()> once;  // one measurement in ms
};

// Runs every variant `reps` times, interleaved, after `warm` unrecorded rounds.
void interleave(const std::string& section, std::vector<Variant> vs, int reps, int warm,
                const std::function<void(nlohmann::json&, const Variant&, const std::vector<double>&)>& extra = {}) {
  std::vector<std::vector<double>> ms(vs.size());
  for (int r = 0; r < warm + reps; ++r)
    for (size_t i = 0; i < vs.size(); ++i) {
      torch::set_num_threads(threads_override > 0 ? threads_override : vs[i].threads);
      const double t = vs[i].once();
      if (r >= warm) ms[i].push_back(t);
    }
  for (size_t i = 0; i < vs.size(); ++i) {
    nlohmann::json j = {{"section", section}, {"variant", vs[i].name},
                        {"threads", threads_override > 0 ? threads_override : vs[i].threads}};
    if (extra) extra(j, vs[i], ms[i]);
    emit(j, ms[i]);
  }
}

EngineConfig bundled_engine(bool cached) {
  EngineConfig e;  // the lab's defaults: 16 future rows
  e.cache_past = cached;
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  blas::select_kernel(argv);
  std::set<std::string> sections;
  std::string ckpt = std::string(WFC_SOURCE_DIR) + "/checkpoints/default.safetensors";
  int reps = 30;
  try {  // the project's strict parser: "--reps 3x" or "--threads -1" is an error, not 3 or 0
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--checkpoint" && i + 1 < argc) ckpt = argv[++i];
      else if (a == "--reps" && i + 1 < argc) reps = int(num::parse_int(argv[++i], "option --reps", {3, 100000}));
      else if (a == "--threads" && i + 1 < argc) threads_override = int(num::parse_int(argv[++i], "option --threads", {0, 256}));
      else sections.insert(a);
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "wfc_bench: %s\n", e.what());
    return 2;
  }
  auto want = [&](const char* s) { return sections.empty() || sections.count(s); };
  torch::NoGradGuard ng;
  Checkpoint ck = load_checkpoint(ckpt);
  const ModelConfig& mc = ck.model;
  const int V = mc.vocab_size, T = mc.block_size;

  if (want("system")) {
    const blas::Info b = blas::info();
    nlohmann::json j = {{"section", "system"}, {"torch", TORCH_VERSION}, {"blas_library", b.library},
                        {"blas_config", b.config}, {"blas_core", b.core}, {"blas_core_chosen_by", b.chosen_by},
                        {"omp_wait_policy", b.wait_policy}, {"cpu_best_core", blas::best_core()},
                        {"model", nlohmann::json(mc)}, {"checkpoint", ckpt}};
    std::printf("%s\n", j.dump().c_str());
  }

  if (want("iteration")) {
    // A full window (112 past + 16 future rows): the lab's steady state.
    std::vector<Variant> vs;
    std::vector<std::unique_ptr<Engine>> es;
    for (bool cached : {false, true})
      for (int th : {1, 2}) {
        es.push_back(std::make_unique<Engine>(build_network(ck), bundled_engine(cached)));
        Engine* e = es.back().get();
        e->reset(prompt_of(T, V, 1));
        vs.push_back({cached ? "cached past" : "full window", th, [e] {
                        const auto t0 = clk::now();
                        e->step();
                        return ms_since(t0);
                      }});
      }
    interleave("iteration", vs, reps * 2, 3);
  }

  if (want("click")) {
    // The lab's click: collapse a future row by arg-max, converge again, then undo.
    std::vector<Variant> vs;
    std::vector<std::unique_ptr<Engine>> es;
    std::vector<EngineState> saved;
    es.reserve(2);
    saved.reserve(2);
    for (bool cached : {false, true}) {
      es.push_back(std::make_unique<Engine>(build_network(ck), bundled_engine(cached)));
      Engine* e = es.back().get();
      e->reset(prompt_of(T, V, 2));
      e->converge();
      saved.push_back(e->save_state());
      const EngineState* s = &saved.back();
      auto k = std::make_shared<int>(0);
      vs.push_back({cached ? "cached past" : "full window", 1, [e, s, k] {
                      const int pos = e->n_past() + ((*k)++ * 7) % (e->length() - e->n_past());
                      const auto t0 = clk::now();
                      e->collapse(pos, Pick::Argmax);
                      e->converge();
                      const double ms = ms_since(t0);
                      e->restore_state(*s);
                      return ms;
                    }});
    }
    interleave("click", vs, reps, 2);
  }

  if (want("generate")) {
    // Tokens per second of `wfc generate` (2 threads, its default), per policy, from a full window
    // (every mint slides it). "before": the loop as it was (whole window every iteration, every
    // row converged: converge + play_round); "after": generate() (cached past, only the rows the
    // policy reads).
    const int n = 16;
    std::vector<Variant> vs;
    std::vector<std::unique_ptr<Engine>> es;
    std::vector<std::unique_ptr<Policy>> ps;
    for (const std::string pol : {"first-future", "lowest-entropy", "threshold"})
      for (bool after : {false, true}) {
        es.push_back(std::make_unique<Engine>(build_network(ck), bundled_engine(after)));
        ps.push_back(make_policy(pol));
        Engine* e = es.back().get();
        Policy* p = ps.back().get();
        vs.push_back({pol + (after ? ", after" : ", before"), 2, [e, p, n, T, V, after] {
                        e->reset(prompt_of(T, V, 3));
                        const auto t0 = clk::now();
                        if (after) {
                          generate(*e, *p, n, Pick::Argmax);
                        } else {
                          int minted = 0;
                          while (minted < n) {
                            e->converge();
                            minted += int(play_round(*e, *p, Pick::Argmax, n - minted).minted.size());
                          }
                        }
                        return ms_since(t0);
                      }});
      }
    interleave("generate", vs, std::max(3, reps / 10), 1, [n](nlohmann::json& j, const Variant&, const std::vector<double>& ms) {
      j["tokens"] = n;
      j["tokens_per_s_median"] = n / (quantile(ms, 0.5) / 1000.0);
    });
  }

  if (want("ar")) {
    // The same network decoded autoregressively with a KV cache, from a 16-token prompt.
    const int n = 128;
    Network net = build_network(ck);
    net->eval();
    std::vector<Variant> vs;
    for (int th : {1, 2})
      vs.push_back({"AR decode, KV cache", th, [&net, n, V] {
                      const auto t0 = clk::now();
                      ar_decode(net, prompt_of(16, V, 4), n);
                      return ms_since(t0);
                    }});
    interleave("ar", vs, std::max(3, reps / 10), 1, [n](nlohmann::json& j, const Variant&, const std::vector<double>& ms) {
      j["tokens"] = n;
      j["tokens_per_s_median"] = n / (quantile(ms, 0.5) / 1000.0);
    });
  }

  if (want("train")) {
    // One optimizer step (forward, backward, clip, AdamW) on 16 windows, the bundled model's shape
    // from fresh weights; bench/torch_ref.py does the same in PyTorch.
    torch::GradMode::set_enabled(true);
    const int B = 16;
    ModelConfig c = mc;
    c.dropout = 0;
    torch::manual_seed(0);
    Network net(c);
    net->train();
    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (auto& p : net->named_parameters()) params.emplace_back(p.key(), p.value());
    AdamW opt(params, 0.9f, 0.95f, 0.1f);
    auto ids = torch::randint(0, V, {B, T}, torch::kLong);
    TrainConfig tc;
    tc.future_min = tc.future_max = 16;
    tc.clean_share = 1.0;  // the lab's shape: a free 16-row suffix, as torch_ref.py
    tc.iters = 2;
    tc.grad_iters = 1;
    std::mt19937_64 rng(1);
    const WindowLayout layout = draw_layout(tc, B, T, 0, rng);
    auto step = [&](int kind) {  // 0 AR, 1 WFC sharing the past across iterations, 2 WFC full unroll
      const auto t0 = clk::now();
      opt.zero_grad();
      if (kind > 0) wfc_loss_backward(net, tc, ids, layout, {}, kind == 1);
      else ar_loss_backward(net, ids);
      opt.clip_grad_norm(1.0);
      opt.step(1e-3);
      return ms_since(t0);
    };
    std::vector<Variant> vs = {{"wfc++ ar", 2, [&] { return step(0); }},
                               {"wfc++ wfc K=2", 2, [&] { return step(1); }},
                               {"wfc++ wfc K=2, past not shared", 2, [&] { return step(2); }}};
    interleave("train", vs, std::max(6, reps / 3), 2, [B, T](nlohmann::json& j, const Variant&, const std::vector<double>& ms) {
      j["batch"] = B;
      j["window"] = T;
      j["tokens_per_s_median"] = B * T / (quantile(ms, 0.5) / 1000.0);
    });
  }
  return 0;
}
