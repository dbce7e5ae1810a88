// The loss a training log line shows. The optimised objective is the future rows' loss plus
// past_weight times the past rows' (two ~8-nat terms at the start: "16.09"), averaged over the
// unrolled iterations; an eval's "val loss" is the future rows' NLL alone. Printed side by side they
// read as if training were three times worse than evaluation. The line therefore leads with the
// future rows' NLL at the last iteration (what val loss measures) and names the objective as such.
#pragma once
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace wfc {

// From a metrics "train" line ({"loss", "loss_by_iter": [K], ...}):
// "future NLL 8.0500 (last of 2 iterations)  objective 16.0900".
inline std::string train_loss_text(const nlohmann::json& log) {
  const auto& by_iter = log.value("loss_by_iter", nlohmann::json::array());
  const double objective = log.value("loss", 0.0);
  char b[160];
  if (by_iter.is_array() && !by_iter.empty() && by_iter.back().is_number()) {
    const size_t k = by_iter.size();
    std::snprintf(b, sizeof b, "future NLL %.4f (last of %zu iteration%s)  objective %.4f", by_iter.back().get<double>(), k,
                  k == 1 ? "" : "s", objective);
  } else {
    std::snprintf(b, sizeof b, "objective %.4f", objective);
  }
  return b;
}

}  // namespace wfc
