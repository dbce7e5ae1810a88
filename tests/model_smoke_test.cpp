#include <gtest/gtest.h>

#include "model/network.h"

TEST(Network, ParamCountMatchesConfig) {
  for (std::string pos : {"rotary", "learned"})
    for (bool held : {false, true}) {
      wfc::ModelConfig c;
      c.vocab_size = 97; c.block_size = 16; c.n_layer = 2; c.n_head = 2; c.n_embd = 32; c.pos = pos;
      c.held_embedding = held;
      wfc::Network net(c);
      int64_t n = 0;
      for (const auto& p : net->parameters()) n += p.numel();
      EXPECT_EQ(n, c.param_count()) << pos << (held ? " + held embedding" : "");
    }
}
