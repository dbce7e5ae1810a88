// Shared fixtures for the model tests: a tokenizer trained once on the tiny sample, small configs.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/tokenizer.h"

namespace wfc::test {

inline std::string data_path(const std::string& name) { return std::string(WFC_TEST_DATA) + "/" + name; }

// A fresh directory per test under the system temp dir.
inline std::string temp_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto p = std::filesystem::temp_directory_path() /
           ("wfc_test_" + std::string(info->test_suite_name()) + "_" + info->name());
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

// Trained once per process (about a second) and shared.
inline const std::vector<uint8_t>& tiny_tokenizer() {
  static const std::vector<uint8_t> model = [] {
    TokenizerOptions o;
    o.vocab_size = 400;
    return Tokenizer::train({data_path("tiny.txt")}, o);
  }();
  return model;
}

inline ModelConfig tiny_config(int vocab) {
  ModelConfig c;
  c.vocab_size = vocab;
  c.block_size = 32;
  c.n_layer = 2;
  c.n_head = 2;
  c.n_embd = 32;
  return c;
}

// A complete checkpoint with random weights for a tiny model.
inline Checkpoint tiny_checkpoint(uint64_t seed = 1) {
  Checkpoint ck;
  ck.tokenizer = tiny_tokenizer();
  ck.model = tiny_config(Tokenizer::from_bytes(ck.tokenizer).vocab_size());
  ck.train = {{"lr", 0.002}, {"note", "unit test"}};
  ck.step = 123;
  ck.tokens_seen = 456789;
  torch::manual_seed(seed);
  for (const auto& [name, shape] : expected_shapes(ck.model)) ck.params[name] = torch::randn(shape);
  return ck;
}

// Expects fn() to throw InputError whose message contains every needle; prints the message.
template <class Fn>
void expect_input_error(Fn fn, const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const InputError& e) {
    const std::string m = e.what();
    std::cout << "    rejected: " << m << "\n";
    EXPECT_EQ(m.find('\n'), std::string::npos) << "error is not one line: " << m;
    for (const auto& n : needles) EXPECT_NE(m.find(n), std::string::npos) << "'" << n << "' not in: " << m;
  }
}

}  // namespace wfc::test
