// The data side of training: corpus files -> tokenizer (trained once, reused) -> token shards
// (cached in the run directory, keyed by tokenizer and corpus) -> random windows.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "model/tokenizer.h"
#include "model/train_config.h"

namespace wfc {

using LogFn = std::function<void(const std::string&)>;

// "a.txt,b.txt" -> {"a.txt", "b.txt"}; an empty list falls back to DIR/NAME.
// `hint` ends the not-found message: how the caller's user names files instead.
std::vector<std::string> corpus_files(const std::string& list, const std::string& dir, const char* name,
                                      const std::string& hint = "name files with --train-files/--val-files");

// The serialized tokenizer for a run: cfg.tokenizer (a .model file or a checkpoint), else
// init_from's, else OUT/tokenizer.model if it exists, else trained on the train files and saved
// there. A reused tokenizer must have exactly vocab_size pieces.
std::vector<uint8_t> prepare_tokenizer(const TrainConfig& cfg, int vocab_size, const LogFn& log);

// Every line of every file, encoded and concatenated. With a cache path, reuses the cached
// shard when it was made from the same tokenizer and the same files (names and sizes).
std::vector<int32_t> encode_corpus(const std::vector<std::string>& files, const Tokenizer& tok,
                                   const std::vector<uint8_t>& tok_bytes, const std::string& cache,
                                   const LogFn& log);

// Random windows of `len` consecutive tokens: ids [B,len] (int64, CPU).
torch::Tensor sample_windows(const std::vector<int32_t>& tokens, int batch, int len, std::mt19937_64& rng);

// `n` evenly spaced windows of `len` tokens, the same every time: ids [n,len].
torch::Tensor fixed_windows(const std::vector<int32_t>& tokens, int n, int len);

}  // namespace wfc
