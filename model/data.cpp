#include "model/data.h"

#include <filesystem>

#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/file_io.h"

namespace wfc {

namespace fs = std::filesystem;

static bool is_checkpoint(const std::string& path) { return path.size() > 12 && path.substr(path.size() - 12) == ".safetensors"; }

std::vector<uint8_t> prepare_tokenizer(const TrainConfig& cfg, int vocab_size, const LogFn& log) {
  auto checked = [&](std::vector<uint8_t> bytes, const std::string& from) {
    Tokenizer t = Tokenizer::from_bytes(bytes);
    if (t.vocab_size() != vocab_size)
      throw file_error(from, "tokenizer has " + std::to_string(t.vocab_size()) + " pieces but the model's vocab_size is " +
                                 std::to_string(vocab_size));
    return bytes;
  };
  auto from_path = [&](const std::string& p) {
    if (is_checkpoint(p)) return checked(load_checkpoint(p).tokenizer, p);
    return checked(read_file_bytes(p, kTokenizerFile), p);
  };
  if (!cfg.tokenizer.empty()) return from_path(cfg.tokenizer);
  if (!cfg.init_from.empty()) return from_path(cfg.init_from);
  const std::string cached = (fs::path(cfg.out) / "tokenizer.model").string();
  if (fs::exists(cached)) {
    log("tokenizer: reusing " + cached);
    return from_path(cached);
  }
  TokenizerOptions opt;
  opt.vocab_size = vocab_size;
  opt.model_type = cfg.tokenizer_type;
  opt.threads = std::max(1, cfg.threads);
  log("tokenizer: training " + cfg.tokenizer_type + " with " + std::to_string(vocab_size) + " pieces");
  const auto files = corpus_files(cfg.train_files, cfg.data, "train.txt");
  auto bytes = Tokenizer::train(files, opt);
  // Checked before it is cached: a tokenizer that cannot serve this model must not block later runs.
  const int got = Tokenizer::from_bytes(bytes).vocab_size();
  if (got != vocab_size)
    throw file_error(files.front(), "the tokenizer trained on this corpus has " + std::to_string(got) + " pieces, not vocab_size " +
                                        std::to_string(vocab_size) + " (too little text: add text or lower --vocab-size); nothing was saved");
  write_file_atomic(cached, bytes.data(), bytes.size());
  return bytes;
}

// ---- windows ------------------------------------------------------------------------------------

torch::Tensor sample_windows(const TokenView& tokens, int batch, int len, std::mt19937_64& rng) {
  if (tokens.size() < len) throw InputError("corpus: " + std::to_string(tokens.size()) +
                                            " tokens is shorter than one window of " + std::to_string(len));
  auto ids = torch::empty({batch, len}, torch::kLong);  // [B,len]
  auto* d = ids.data_ptr<int64_t>();
  // The modulo is std::mt19937_64 output reduced by hand: uniform_int_distribution's algorithm
  // differs between standard libraries, and resume must replay the same windows.
  const uint64_t span = uint64_t(tokens.size() - len + 1);
  for (int b = 0; b < batch; ++b) {
    const uint64_t s = rng() % span;
    tokens.copy(int64_t(s), len, d + int64_t(b) * len);
  }
  return ids;
}

torch::Tensor fixed_windows(const TokenView& tokens, int n, int len, const std::string& what) {
  if (tokens.size() < len) throw InputError("corpus: " + std::to_string(tokens.size()) +
                                            " tokens is shorter than one window of " + std::to_string(len));
  const int64_t distinct = tokens.size() - len + 1;
  if (n > distinct)
    throw InputError(what + ": " + std::to_string(n) + " windows of " + std::to_string(len) + " tokens, but " +
                     std::to_string(tokens.size()) + " held-out tokens hold only " + std::to_string(distinct) +
                     " distinct ones");
  auto ids = torch::empty({n, len}, torch::kLong);  // [n,len]
  auto* d = ids.data_ptr<int64_t>();
  const int64_t span = tokens.size() - len;
  for (int b = 0; b < n; ++b) {
    const int64_t s = n > 1 ? span * b / (n - 1) : 0;
    tokens.copy(s, len, d + int64_t(b) * len);
  }
  return ids;
}

}  // namespace wfc
