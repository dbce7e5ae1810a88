// The data side of training: corpus files -> tokenizer (trained once, reused) -> token shards
// (cached in the run directory, keyed by a content hash of tokenizer and corpus, memory-mapped)
// -> random windows. Nothing here holds the corpus in memory.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/token_corpus.h"
#include "model/token_shard.h"
#include "model/tokenizer.h"
#include "model/train_config.h"

namespace wfc {

// The serialized tokenizer for a run: cfg.tokenizer (a .model file or a checkpoint), else
// init_from's, else OUT/tokenizer.model if it exists, else trained on the train files and saved
// there only once it has loaded and has exactly vocab_size pieces (a reused one must too).
std::vector<uint8_t> prepare_tokenizer(const TrainConfig& cfg, int vocab_size, const LogFn& log);

// Random windows of `len` consecutive tokens: ids [B,len] (int64, CPU).
torch::Tensor sample_windows(const TokenView& tokens, int batch, int len, std::mt19937_64& rng);

// `n` evenly spaced windows of `len` tokens, the same every time: ids [n,len].
// `what` names the setting that asked for n (e.g. "option --windows") in the error for too many:
// more windows than distinct start positions would only repeat text (and allocate n x len).
torch::Tensor fixed_windows(const TokenView& tokens, int n, int len, const std::string& what = "windows");

}  // namespace wfc
