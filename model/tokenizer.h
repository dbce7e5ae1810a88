// Subword tokenizer: sentencepiece (BPE or unigram) trained from text files, kept as serialized
// bytes so that it travels inside the checkpoint. sentencepiece's headers stay in tokenizer.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wfc {

struct TokenizerOptions {
  int vocab_size = 4096;             // pieces, including <unk>, <s>, </s> and 256 byte pieces
  std::string model_type = "bpe";    // "bpe" | "unigram"
  int max_sentences = 2'000'000;     // lines sampled for training (by sentencepiece)
  uint64_t max_bytes = 64ull << 20;  // text read for training: a larger corpus is evenly thinned to
                                     //   this many bytes first, so training memory stays bounded
  int threads = 2;                   // trainer threads
};

class Tokenizer {
 public:
  // Trains on the given text files (one sentence per line, streamed; blank lines skipped) and
  // returns the serialized model. Text with no line to learn from is an InputError naming it.
  static std::vector<uint8_t> train(const std::vector<std::string>& files, const TokenizerOptions& opt);
  static Tokenizer from_bytes(const std::vector<uint8_t>& model);  // throws InputError

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int> encode(const std::string& text) const;
  std::string decode(const std::vector<int>& ids) const;
  std::string piece(int id) const;   // the raw piece ("▁the"), for display
  int vocab_size() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc
