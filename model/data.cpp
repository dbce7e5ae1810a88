#include "model/data.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/file_io.h"

namespace wfc {

namespace fs = std::filesystem;

std::vector<std::string> corpus_files(const std::string& list, const std::string& dir, const char* name,
                                      const std::string& hint) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string f; std::getline(ss, f, ',');)
    if (!f.empty()) out.push_back(f);
  if (out.empty()) out.push_back((fs::path(dir) / name).string());
  for (const auto& f : out) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec))
      throw file_error(f, "corpus file not found (fetch Brown with scripts/fetch-brown.sh, or " + hint + ")");
  }
  return out;
}

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
  auto bytes = checked(Tokenizer::train(files, opt), files.front());
  write_file_atomic(cached, bytes.data(), bytes.size());  // cached only once it is known good
  return bytes;
}

// FNV-1a: a cache key, not a security boundary.
static uint64_t fnv(uint64_t h, const void* p, size_t n) {
  auto b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static constexpr char kShardMagic[8] = {'W', 'F', 'C', 'T', 'O', 'K', 'S', '1'};

std::vector<int32_t> encode_corpus(const std::vector<std::string>& files, const Tokenizer& tok,
                                   const std::vector<uint8_t>& tok_bytes, const std::string& cache,
                                   const LogFn& log) {
  uint64_t key = fnv(1469598103934665603ull, tok_bytes.data(), tok_bytes.size());
  for (const auto& f : files) {
    const uint64_t size = fs::file_size(f);
    key = fnv(key, f.data(), f.size());
    key = fnv(key, &size, sizeof size);
  }
  if (!cache.empty() && fs::exists(cache)) {
    auto bytes = read_file_bytes(cache);
    uint64_t k = 0, n = 0;
    if (bytes.size() >= 24 && std::memcmp(bytes.data(), kShardMagic, 8) == 0) {
      std::memcpy(&k, bytes.data() + 8, 8);
      std::memcpy(&n, bytes.data() + 16, 8);
      if (k == key && bytes.size() == 24 + n * 4) {
        std::vector<int32_t> out(n);
        std::memcpy(out.data(), bytes.data() + 24, n * 4);
        log("tokens: reusing " + cache + " (" + std::to_string(n) + " tokens)");
        return out;
      }
    }
  }
  std::vector<int32_t> out;
  for (const auto& f : files) {
    check_input_file(f, kTextFile);  // a FIFO or /dev/zero named as a corpus file
    std::ifstream in(f);
    if (!in) throw file_error(f, "cannot open");
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      for (int id : tok.encode(line)) out.push_back(id);
    }
  }
  if (out.empty()) throw file_error(files.front(), "the corpus holds no text");
  if (!cache.empty()) {
    std::string buf(24 + out.size() * 4, '\0');
    const uint64_t n = out.size();
    std::memcpy(buf.data(), kShardMagic, 8);
    std::memcpy(buf.data() + 8, &key, 8);
    std::memcpy(buf.data() + 16, &n, 8);
    std::memcpy(buf.data() + 24, out.data(), n * 4);
    write_file_atomic(cache, buf);
  }
  log("tokens: encoded " + std::to_string(out.size()) + " tokens from " + std::to_string(files.size()) + " file(s)");
  return out;
}

torch::Tensor sample_windows(const std::vector<int32_t>& tokens, int batch, int len, std::mt19937_64& rng) {
  if (int64_t(tokens.size()) < len) throw InputError("corpus: " + std::to_string(tokens.size()) +
                                                     " tokens is shorter than one window of " + std::to_string(len));
  auto ids = torch::empty({batch, len}, torch::kLong);  // [B,len]
  auto* d = ids.data_ptr<int64_t>();
  // The modulo is std::mt19937_64 output reduced by hand: uniform_int_distribution's algorithm
  // differs between standard libraries, and resume must replay the same windows.
  const uint64_t span = tokens.size() - len + 1;
  for (int b = 0; b < batch; ++b) {
    const uint64_t s = rng() % span;
    for (int t = 0; t < len; ++t) d[b * len + t] = tokens[s + t];
  }
  return ids;
}

torch::Tensor fixed_windows(const std::vector<int32_t>& tokens, int n, int len) {
  if (int64_t(tokens.size()) < len) throw InputError("corpus: " + std::to_string(tokens.size()) +
                                                     " tokens is shorter than one window of " + std::to_string(len));
  auto ids = torch::empty({n, len}, torch::kLong);  // [n,len]
  auto* d = ids.data_ptr<int64_t>();
  const int64_t span = int64_t(tokens.size()) - len;
  for (int b = 0; b < n; ++b) {
    const int64_t s = n > 1 ? span * b / (n - 1) : 0;
    for (int t = 0; t < len; ++t) d[b * len + t] = tokens[s + t];
  }
  return ids;
}

}  // namespace wfc
