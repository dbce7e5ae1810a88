#include "model/tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "model/errors.h"
#include "model/file_io.h"

namespace wfc {

struct Tokenizer::Impl {
  sentencepiece::SentencePieceProcessor sp;
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<uint8_t> Tokenizer::train(const std::vector<std::string>& files, const TokenizerOptions& opt) {
  if (files.empty()) throw InputError("tokenizer: no training text files given");
  if (opt.model_type != "bpe" && opt.model_type != "unigram")
    throw InputError("tokenizer: model_type must be bpe or unigram, not '" + opt.model_type + "'");
  std::string input;
  for (const auto& f : files) {
    check_input_file(f, kTextFile);  // sentencepiece would block on a FIFO, read /dev/zero forever
    input += (input.empty() ? "" : ",") + f;
  }
  // byte_fallback: any text encodes, no <unk> for unseen characters; the rarest 0.05% of
  // characters are left to byte pieces so that a small vocabulary still trains. hard_vocab_limit=false lets a
  // tiny corpus train a smaller vocabulary than asked instead of failing.
  const std::string args = "--input=" + input + " --model_type=" + opt.model_type +
                           " --vocab_size=" + std::to_string(opt.vocab_size) +
                           " --character_coverage=0.9995 --byte_fallback=true --hard_vocab_limit=false" +
                           " --input_sentence_size=" + std::to_string(opt.max_sentences) +
                           " --shuffle_input_sentence=true --num_threads=" + std::to_string(opt.threads) +
                           " --minloglevel=2 --model_prefix=";
  std::string proto;
  auto st = sentencepiece::SentencePieceTrainer::Train(args, nullptr, &proto);
  if (!st.ok()) throw InputError("tokenizer training failed: " + st.ToString());
  return std::vector<uint8_t>(proto.begin(), proto.end());
}

Tokenizer Tokenizer::from_bytes(const std::vector<uint8_t>& model) {
  auto impl = std::make_unique<Impl>();
  auto st = impl->sp.LoadFromSerializedProto(
      absl::string_view(reinterpret_cast<const char*>(model.data()), model.size()));
  if (!st.ok()) throw InputError("tokenizer model does not load: not a sentencepiece model");
  return Tokenizer(std::move(impl));
}

std::vector<int> Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  auto st = impl_->sp.Encode(text, &ids);
  if (!st.ok()) throw std::runtime_error("tokenizer encode failed: " + st.ToString());
  return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string out;
  auto st = impl_->sp.Decode(ids, &out);
  if (!st.ok()) throw std::runtime_error("tokenizer decode failed: " + st.ToString());
  return out;
}

std::string Tokenizer::piece(int id) const { return impl_->sp.IdToPiece(id); }
int Tokenizer::vocab_size() const { return impl_->sp.GetPieceSize(); }

}  // namespace wfc
