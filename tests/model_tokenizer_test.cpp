// sentencepiece trained, encoding and decoding in the same process as LibTorch (PLATFORM.md: the
// Debian shared library crashes there; this build links a static one against the system protobuf).
#include <fstream>

#include "test_util.h"

using namespace wfc;
using namespace wfc::test;

TEST(Tokenizer, TrainEncodeDecodeAlongsideLibTorch) {
  auto a = torch::randn({64, 64});
  auto before = torch::matmul(a, a.t());  // LibTorch is live in this process

  const auto& model = tiny_tokenizer();
  ASSERT_FALSE(model.empty());
  Tokenizer tk = Tokenizer::from_bytes(model);
  EXPECT_GT(tk.vocab_size(), 256 + 3);  // byte pieces + specials + learned merges
  EXPECT_LE(tk.vocab_size(), 400);

  std::ifstream f(data_path("tiny.txt"));
  std::string line;
  int n = 0;
  size_t chars = 0, tokens = 0;
  while (std::getline(f, line) && n < 200) {
    auto ids = tk.encode(line);
    for (int id : ids) ASSERT_TRUE(id >= 0 && id < tk.vocab_size());
    EXPECT_EQ(tk.decode(ids), line);
    chars += line.size();
    tokens += ids.size();
    ++n;
  }
  EXPECT_EQ(n, 200);
  // Merges were learned: fewer tokens than characters on the training text.
  EXPECT_LT(double(tokens), 0.75 * double(chars)) << tokens << " tokens for " << chars << " chars";
  // Byte fallback: text never seen still round-trips.
  const std::string odd = "caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac 42";
  EXPECT_EQ(tk.decode(tk.encode(odd)), odd);

  EXPECT_TRUE(torch::allclose(torch::matmul(a, a.t()), before));
}

TEST(Tokenizer, TrainingIsDeterministic) {
  TokenizerOptions o;
  o.vocab_size = 400;
  EXPECT_EQ(Tokenizer::train({data_path("tiny.txt")}, o), tiny_tokenizer());
}

TEST(Tokenizer, BadInputIsAnInputError) {
  expect_input_error([] { Tokenizer::from_bytes({1, 2, 3, 4}); }, {"tokenizer"});
  expect_input_error([] { Tokenizer::train({"/nonexistent/corpus.txt"}, TokenizerOptions{}); },
                     {"/nonexistent/corpus.txt"});  // the message names the file
  TokenizerOptions o;
  o.model_type = "wordpiece";
  expect_input_error([&] { Tokenizer::train({data_path("tiny.txt")}, o); }, {"wordpiece"});
}
