// Time of one refinement iteration for candidate bundled sizes, with 1 and 2 intra-op threads.
//   build/bench/wfc_engine_bench [iterations] [checkpoint]   (a checkpoint: time that one only)
#include <chrono>
#include <cstdio>

#include "model/checkpoint.h"
#include "model/engine.h"
#include "model/errors.h"
#include "model/numbers.h"

using namespace wfc;

int main(int argc, char** argv) {
  int iters = 30;
  try {
    if (argc > 1) iters = int(num::parse_int(argv[1], "iterations", {1, 1000000}));
  } catch (const InputError& e) {
    std::fprintf(stderr, "wfc_engine_bench: %s\n", e.what());
    return 2;
  }
  struct Size { int layers, width, heads, window, future, vocab; };
  std::vector<Size> sizes = {{4, 256, 4, 128, 16, 2048}, {4, 256, 4, 128, 16, 4096}, {4, 256, 4, 192, 16, 4096},
                             {4, 256, 4, 256, 16, 4096}, {6, 384, 6, 192, 16, 4096}};
  Checkpoint ck;
  if (argc > 2) {
    ck = load_checkpoint(argv[2]);
    sizes = {{ck.model.n_layer, ck.model.n_embd, ck.model.n_head, ck.model.block_size, 16, ck.model.vocab_size}};
  }
  std::printf("%-34s %8s %10s %10s %10s\n", "model", "threads", "median ms", "p90 ms", "params M");
  for (const auto& s : sizes) {
    ModelConfig c = ck.params.empty() ? ModelConfig{} : ck.model;
    c.vocab_size = s.vocab; c.n_layer = s.layers; c.n_embd = s.width; c.n_head = s.heads; c.block_size = s.window;
    for (int threads : {1, 2}) {
      EngineConfig ec;
      ec.future = s.future;
      ec.threads = threads;
      ec.tol = 0;
      torch::manual_seed(0);
      Engine e(ck.params.empty() ? Network(c) : build_network(ck), ec);
      std::vector<int> prompt(s.window - s.future, 17);  // a full window: the worst case
      e.reset(prompt);
      for (int i = 0; i < 3; ++i) e.step();  // warm-up
      std::vector<double> ms;
      for (int i = 0; i < iters; ++i) ms.push_back(e.step().ms);
      std::sort(ms.begin(), ms.end());
      char name[64];
      std::snprintf(name, sizeof name, "%dx%d, window %d, vocab %d", s.layers, s.width, s.window, s.vocab);
      std::printf("%-34s %8d %10.2f %10.2f %10.2f\n", name, threads, ms[ms.size() / 2], ms[ms.size() * 9 / 10],
                  c.param_count() / 1e6);
    }
  }
}
