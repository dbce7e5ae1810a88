#include "model/sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace wfc {

int sample_token(const float* pr, int V, double temperature, int top_k, double top_p, std::mt19937_64& rng) {
  // Log-weights relative to the most likely token: the best has weight exp(0) = 1 at any T.
  double lmax = -std::numeric_limits<double>::infinity();
  for (int v = 0; v < V; ++v)
    if (pr[v] > 0) lmax = std::max(lmax, std::log(double(pr[v])));
  if (!std::isfinite(lmax)) return 0;
  std::vector<std::pair<double, int>> w(V);  // (weight, id)
  for (int v = 0; v < V; ++v) w[v] = {pr[v] > 0 ? std::exp((std::log(double(pr[v])) - lmax) / temperature) : 0.0, v};
  std::sort(w.begin(), w.end(), [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  size_t n = top_k > 0 ? std::min<size_t>(size_t(top_k), w.size()) : w.size();
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += w[i].first;
  if (top_p < 1.0) {
    double acc = 0;
    size_t keep = 0;
    while (keep < n && acc < top_p * total) acc += w[keep++].first;
    n = std::max<size_t>(keep, 1);
    total = acc > 0 ? acc : w[0].first;
  }
  std::uniform_real_distribution<double> u(0.0, total);
  const double r = u(rng);
  double acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc += w[i].first;
    if (r < acc) return w[i].second;
  }
  return w[0].second;  // r == total by rounding: the most likely, never the tail
}

torch::Tensor kl_rows(const torch::Tensor& q, const torch::Tensor& p) {
  auto a = q.to(torch::kFloat64), b = p.to(torch::kFloat64);            // [n,V]
  constexpr double eps = 1e-300;                                        // q = 0 terms: 0 * finite
  auto terms = a * (a.clamp_min(eps).log() - b.clamp_min(eps).log()) - a + b;  // [n,V], each >= 0
  return terms.sum(-1).clamp_min(0).to(q.scalar_type());                 // [n]
}

}  // namespace wfc
