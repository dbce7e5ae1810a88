// The window as data (viz/data_out.h): the rows the lab saves and the traces carry, with token text.
#include <gtest/gtest.h>

#include <sstream>

#include "viz/data_out.h"

namespace wfc::viz {
namespace {

// Three rows (one past, one collapsed, one free), top-2; token 1 holds a comma, a quote and a
// leading space, token 2 is not valid UTF-8 (a byte piece).
StepReport three_rows() {
  StepReport r;
  r.iteration = 7;
  r.n_past = 1;
  r.length = 3;
  r.k = 2;
  r.entropy = {0.0f, 0.0f, 2.5f};
  r.alpha = {0, 0, 0};
  r.argmax = {0, 1, 2};
  r.status = {uint8_t(RowStatus::Past), uint8_t(RowStatus::Collapsed), uint8_t(RowStatus::Free)};
  r.topk_ids = {0, 1, 1, 0, 2, 1};
  r.topk_probs = {1.0f, 0.0f, 1.0f, 0.0f, 0.04f, 0.03f};
  return r;
}
const std::vector<std::string> kVocab = {"the", " say \"hi\", then", "\xff\xfe"};

TEST(DataOut, RowsJsonCarriesAbsolutePositionsStatusesAndTokenText) {
  const auto j = rows_json(three_rows(), 40, &kVocab);
  ASSERT_EQ(j["rows"].size(), 3u);
  EXPECT_EQ(j["offset"], 40);
  EXPECT_EQ(j["rows"][0]["position"], 40);
  EXPECT_EQ(j["rows"][2]["position"], 42);
  EXPECT_EQ(j["rows"][1]["status"], "collapsed");
  EXPECT_EQ(j["rows"][1]["argmax"]["text"], kVocab[1]);
  EXPECT_EQ(j["rows"][2]["topk"][1]["text"], kVocab[1]);
  EXPECT_FLOAT_EQ(j["rows"][2]["topk"][0]["p"].get<float>(), 0.04f);
  // The byte piece would make a plain dump() throw; json_text replaces it and parses back.
  EXPECT_THROW(j.dump(), nlohmann::json::type_error);
  const auto back = nlohmann::json::parse(json_text(j));
  EXPECT_EQ(back["rows"][2]["argmax"]["text"], "\xEF\xBF\xBD\xEF\xBF\xBD");
  // Without a vocabulary, or an id outside it, the text is "?".
  EXPECT_EQ(rows_json(three_rows(), 0, nullptr)["rows"][0]["argmax"]["text"], "?");
  EXPECT_EQ(token_texts({5, -1}, &kVocab), (std::vector<std::string>{"?", "?"}));
}

TEST(DataOut, RowsCsvQuotesTokenTextAndHasOneLinePerRow) {
  const std::string csv = rows_csv(three_rows(), 40, &kVocab);
  std::istringstream in(csv);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "position,row,status,entropy,alpha,argmax_id,argmax_text,top1_id,top1_text,top1_p,top2_id,top2_text,top2_p");
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "40,0,past,0,0,0,the,0,the,1,1,,0");  // a filler at p 0 has no text
  EXPECT_EQ(lines[2].substr(0, 16), "42,2,free,2.5,0,");
  EXPECT_NE(lines[2].find(",0.04,"), std::string::npos);
}

TEST(DataOut, StepArraysGainTokenText) {
  nlohmann::json j;
  add_token_texts(j, three_rows(), &kVocab);
  ASSERT_EQ(j["argmax_text"].size(), 3u);
  ASSERT_EQ(j["topk_text"].size(), 6u);
  EXPECT_EQ(j["argmax_text"][0], "the");
  EXPECT_EQ(j["topk_text"][5], kVocab[1]);
  EXPECT_EQ(j["topk_text"][1], "");  // the past row's filler at p 0: no text
}

// A one-hot row's other top-k ids are fillers at probability 0: JSON rows list only real guesses;
// rows a focused iteration left alone (generate's first-future) say so.
TEST(DataOut, FillersAreLeftOutAndRowsNotRunAreMarked) {
  StepReport r = three_rows();
  auto j = rows_json(r, 0, &kVocab);
  EXPECT_EQ(j["rows"][0]["topk"].size(), 1u);  // past: its token only
  EXPECT_EQ(j["rows"][1]["topk"].size(), 1u);  // collapsed
  EXPECT_EQ(j["rows"][2]["topk"].size(), 2u);  // free: both guesses
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(j["rows"][i]["ran"].get<bool>()) << i;
  r.unrun_from = 2;
  j = rows_json(r, 0, &kVocab);
  EXPECT_TRUE(j["rows"][1]["ran"].get<bool>());
  EXPECT_FALSE(j["rows"][2]["ran"].get<bool>());
}

}  // namespace
}  // namespace wfc::viz
