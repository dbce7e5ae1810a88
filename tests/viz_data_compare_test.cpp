// The comparison's rows by absolute position (viz/compare_view.h): a WFC checkpoint's future rows,
// an AR checkpoint's first future row only, nothing over its past or outside its window.
#include <gtest/gtest.h>

#include "viz/compare_view.h"

namespace wfc::viz {
namespace {

std::shared_ptr<LabSnapshot> snap(const std::string& objective, int64_t offset, int n_past, int length) {
  auto s = std::make_shared<LabSnapshot>();
  s->loaded = true;
  s->info = {{"objective", objective}};
  s->offset = offset;
  s->cur.n_past = n_past;
  s->cur.length = length;
  s->cur.k = 2;
  for (int i = 0; i < length; ++i) {
    s->cur.entropy.push_back(0.5f * float(i));
    s->cur.topk_ids.insert(s->cur.topk_ids.end(), {i, i + 100});
    s->cur.topk_probs.insert(s->cur.topk_probs.end(), {0.6f, 0.1f});
  }
  return s;
}

TEST(CompareView, AWfcComparisonHasEveryFutureRowAnArOneOnlyItsNextToken) {
  auto lab = snap("wfc", 10, 4, 8);
  EXPECT_FALSE(compare_row(*lab, 15).present);  // no comparison yet
  lab->compare = snap("wfc", 10, 4, 8);
  EXPECT_FALSE(compare_row(*lab, 13).present);  // its past
  const CompareRow r = compare_row(*lab, 16);   // window row 6
  ASSERT_TRUE(r.present);
  EXPECT_FALSE(r.next_token);
  EXPECT_FLOAT_EQ(r.entropy, 3.0f);
  ASSERT_EQ(r.top.size(), 2u);
  EXPECT_EQ(r.top[1].first, 106);
  EXPECT_FALSE(compare_row(*lab, 18).present);  // outside its window

  lab->compare = snap("ar", 11, 4, 8);          // slid one further: its first future row is 15
  EXPECT_TRUE(is_ar(*lab->compare));
  const CompareRow a = compare_row(*lab, 15);
  ASSERT_TRUE(a.present);
  EXPECT_TRUE(a.next_token);
  EXPECT_FLOAT_EQ(a.entropy, 2.0f);
  EXPECT_FALSE(compare_row(*lab, 16).present);  // not a prediction of an AR model
}

}  // namespace
}  // namespace wfc::viz
