// What the comparison (LabSnapshot::compare) says about one absolute position, for the plot's
// overlay and tooltip: a WFC checkpoint's future rows all carry a distribution; an AR checkpoint's
// first future row is its next-token distribution and the rows after it are not predictions.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "viz/lab_data.h"

namespace wfc::viz {

bool is_ar(const LabSnapshot& s);  // the checkpoint's objective (its info rows) is "ar"

struct CompareRow {
  bool present = false;       // the comparison has a distribution for this position
  bool next_token = false;    // it is an AR model's next-token distribution (its first future row)
  float entropy = 0;          // nats
  std::vector<std::pair<int32_t, float>> top;  // its top-k: token, probability
};

CompareRow compare_row(const LabSnapshot& s, int64_t pos);

}  // namespace wfc::viz
