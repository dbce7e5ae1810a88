#include "model/tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "model/corpus_text.h"
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

namespace {

// The training text as sentencepiece's iterator: lines streamed from the files, blank ones skipped,
// thinned evenly to max_bytes, each at most kLine bytes (sentencepiece drops longer sentences).
class FileSentences : public sentencepiece::SentenceIterator {
 public:
  static constexpr size_t kLine = 4096;
  FileSentences(std::vector<CorpusFile> files, uint64_t max_bytes) : files_(std::move(files)), max_bytes_(max_bytes) {
    for (const auto& f : files_) total_ += f.bytes;
    Next();
  }
  bool done() const override { return done_; }
  const std::string& value() const override { return line_; }
  sentencepiece::util::Status status() const override { return {}; }
  void Next() override {
    while (!done_) {
      if (!reader_) {
        if (next_file_ == files_.size()) {
          done_ = true;
          return;
        }
        reader_ = std::make_unique<LineReader>(files_[next_file_++], kLine);
      }
      if (!reader_->next(line_)) {
        reader_.reset();
        continue;
      }
      seen_ += line_.size() + 1;
      if (line_.find_first_not_of(" \t\r\f\v") == std::string::npos) continue;
      // Keep a line while the text kept is behind its even share of the text seen.
      if (total_ > max_bytes_ && double(kept_) > double(seen_) * double(max_bytes_) / double(total_)) continue;
      kept_ += line_.size() + 1;
      ++lines_;
      return;
    }
  }
  uint64_t lines() const { return lines_; }

 private:
  std::vector<CorpusFile> files_;
  uint64_t max_bytes_, total_ = 0, seen_ = 0, kept_ = 0, lines_ = 0;
  size_t next_file_ = 0;
  std::unique_ptr<LineReader> reader_;
  std::string line_;
  bool done_ = false;
};

// sentencepiece's messages run over several lines and name its own source files: keep the first
// line, bounded.
std::string one_line(std::string s) {
  s = s.substr(0, s.find('\n'));
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

}  // namespace

std::vector<uint8_t> Tokenizer::train(const std::vector<std::string>& files, const TokenizerOptions& opt) {
  if (files.empty()) throw InputError("tokenizer: no training text files given");
  if (opt.model_type != "bpe" && opt.model_type != "unigram")
    throw InputError("tokenizer: model_type must be bpe or unigram, not '" + opt.model_type + "'");
  std::vector<CorpusFile> listed;
  for (const auto& f : files) {
    auto one = expand_corpus_list(f, "tokenizer training text");
    listed.insert(listed.end(), one.begin(), one.end());
  }
  const std::string what = files.size() == 1 ? files.front() : files.front() + " and " + std::to_string(files.size() - 1) + " more";
  FileSentences text(listed, opt.max_bytes);
  if (text.done()) throw file_error(what, "the corpus holds no text to train a tokenizer on");
  // byte_fallback: any text encodes, no <unk> for unseen characters; the rarest 0.05% of
  // characters are left to byte pieces so that a small vocabulary still trains. hard_vocab_limit=false lets a
  // tiny corpus train a smaller vocabulary than asked instead of failing.
  const std::unordered_map<std::string, std::string> args = {
      {"model_type", opt.model_type},
      {"vocab_size", std::to_string(opt.vocab_size)},
      {"character_coverage", "0.9995"},
      {"byte_fallback", "true"},
      {"hard_vocab_limit", "false"},
      {"input_sentence_size", std::to_string(opt.max_sentences)},
      {"shuffle_input_sentence", "true"},
      {"num_threads", std::to_string(opt.threads)},
      {"minloglevel", "2"},
      {"model_prefix", ""}};
  std::string proto;
  auto st = sentencepiece::SentencePieceTrainer::Train(args, &text, &proto);
  if (!st.ok()) throw file_error(what, "tokenizer training failed: " + one_line(st.ToString()));
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
