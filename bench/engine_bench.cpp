// Time of one refinement iteration for candidate bundled sizes, with 1 and 2 intra-op threads.
//   build/bench/wfc_engine_bench [iterations]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "model/engine.h"

using namespace wfc;

int main(int argc, char** argv) {
  const int iters = argc > 1 ? std::atoi(argv[1]) : 30;
  struct Size { int layers, width, heads, window, future; };
  const Size sizes[] = {{4, 256, 4, 128, 16}, {4, 256, 4, 192, 16}, {4, 256, 4, 256, 16}, {6, 384, 6, 192, 16}};
  std::printf("%-28s %8s %10s %10s %10s\n", "model", "threads", "median ms", "p90 ms", "params M");
  for (const auto& s : sizes) {
    ModelConfig c;
    c.vocab_size = 4096; c.n_layer = s.layers; c.n_embd = s.width; c.n_head = s.heads; c.block_size = s.window;
    for (int threads : {1, 2}) {
      EngineConfig ec;
      ec.future = s.future;
      ec.threads = threads;
      ec.tol = 0;
      torch::manual_seed(0);
      Engine e(Network(c), ec);
      std::vector<int> prompt(s.window - s.future, 17);  // a full window: the worst case
      e.reset(prompt);
      for (int i = 0; i < 3; ++i) e.step();  // warm-up
      std::vector<double> ms;
      for (int i = 0; i < iters; ++i) ms.push_back(e.step().ms);
      std::sort(ms.begin(), ms.end());
      char name[64];
      std::snprintf(name, sizeof name, "%dx%d, window %d", s.layers, s.width, s.window);
      std::printf("%-28s %8d %10.2f %10.2f %10.2f\n", name, threads, ms[ms.size() / 2], ms[ms.size() * 9 / 10],
                  c.param_count() / 1e6);
    }
  }
}
