// Autoregressive decoding with a KV cache: how the AR baseline generates, as every AR runtime
// does. One token per step: the new row runs every block against the cached keys and values of
// the rows before it, under the causal mask.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "model/network.h"

namespace wfc {

struct ArDecodeStats {
  std::vector<int> tokens;  // the generated tokens, in order
  int prefills = 0;         // full runs over the context (the first, and one per window overflow)
  double ms = 0;            // wall time of the decoding
};

// Picks the next token from its distribution probs [V] (CPU, contiguous); empty = arg-max.
using TokenPicker = std::function<int(const float* probs, int V)>;

// Decodes n_tokens after `prompt` (its last block_size - 1 tokens are kept). When the context
// fills the window, its last half is run again as the new context (the usual sliding-window
// fallback): at most one prefill per block_size / 2 tokens. on_token sees each token as it comes.
ArDecodeStats ar_decode(Network& net, const std::vector<int>& prompt, int n_tokens, const TokenPicker& pick = {},
                        const std::function<void(int)>& on_token = {});

}  // namespace wfc
