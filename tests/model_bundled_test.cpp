// The bundled checkpoint keeps the shape it shipped with: on held-out Brown text (240 sentences
// of the validation split, never trained on) the past is certain, entropy rises with distance
// into the future (steeply over the first rows, then slowly, with no dip at the window's end) and
// the far future stays well above the first row, and the window converges. A collapse far ahead
// pulls the rows before it (the held mask's two-way future). 64 windows, because 16 leave the
// slow tail and the first-future NLL (32 tokens) to noise. Full figures: checkpoints/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "model/checkpoint.h"
#include "model/data.h"
#include "model/evaluate.h"
#include "model/tokenizer.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;

TEST(Bundled, HockeyStickOnHeldOutText) {
  const std::string path = std::string(WFC_SOURCE_DIR) + "/checkpoints/default.safetensors";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is not bundled";
  Checkpoint ck = load_checkpoint(path);
  EXPECT_EQ(ck.objective, "wfc");
  Tokenizer tok = Tokenizer::from_bytes(ck.tokenizer);
  const auto tokens = encode_corpus({data_path("heldout.txt")}, tok, ck.tokenizer, "", [](const std::string&) {});
  Network net = build_network(ck);
  torch::set_num_threads(2);
  EvalOptions o;
  o.windows = 64;
  o.future = 16;
  o.reconverge = 1;
  o.ahead = 8;
  auto r = evaluate(net, "wfc", fixed_windows(tokens, o.windows, ck.model.block_size + o.reconverge), o);
  std::cout << "    first-future NLL " << r.first_future_nll << ", entropy d1 " << r.entropy_by_distance.front()
            << " -> d16 " << r.entropy_by_distance.back() << ", rank corr " << r.entropy_rank_corr << ", iterations "
            << r.mean_iters << ", early exits " << r.early_exit_share << "; NLL d=2..7 " << r.ahead_nll_before
            << " -> " << r.ahead_nll_after << " once d=8 is collapsed (" << r.seconds << " s)\n";
  const auto& H = r.entropy_by_distance;
  EXPECT_LT(r.past_entropy, 0.05);
  EXPECT_GE(r.entropy_rank_corr, 0.9);  // rising over all 16 rows (the block-mask model scores 0.69 here)
  for (int d = 1; d < 4; ++d) EXPECT_GT(H[d], H[d - 1] + 0.1) << "distance " << d + 1;  // the steep part
  EXPECT_GT(*std::min_element(H.begin() + 4, H.end()), H[0] + 1.5);                     // far stays far
  EXPECT_LT(r.first_future_nll, 4.6);  // a unigram model scores about 6.4 nats on this text
  EXPECT_GE(r.converged_share, 0.95);
  EXPECT_GE(r.early_exit_share, 0.95);
  // Two-way: collapsing row d=8 to its true token makes the rows before it better predicted.
  EXPECT_LT(r.ahead_nll_after, r.ahead_nll_before - 0.03);
}
