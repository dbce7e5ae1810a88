#include "model/policies.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "model/errors.h"

namespace wfc {

std::vector<int> candidates(const std::vector<uint8_t>& status, int n_past) {
  std::vector<int> c;
  for (int i = n_past; i < int(status.size()); ++i)
    if (RowStatus(status[i]) != RowStatus::Collapsed && RowStatus(status[i]) != RowStatus::Past) c.push_back(i);
  return c;
}

// Candidates sorted by entropy, lowest first (ties: leftmost first).
static std::vector<int> by_entropy(const std::vector<float>& H, const std::vector<uint8_t>& st, int n_past) {
  auto c = candidates(st, n_past);
  std::stable_sort(c.begin(), c.end(), [&](int a, int b) { return H[a] < H[b]; });
  return c;
}

namespace {

struct FirstFuture : Policy {
  std::string name() const override { return "first-future"; }
  int rows_read() const override { return 1; }
  std::vector<CollapseChoice> choose(const std::vector<float>&, const std::vector<uint8_t>& st,
                                     int n_past) const override {
    auto c = candidates(st, n_past);
    if (c.empty()) return {};
    return {{c.front()}};
  }
};

struct LowestEntropy : Policy {
  std::string name() const override { return "lowest-entropy"; }
  std::vector<CollapseChoice> choose(const std::vector<float>& H, const std::vector<uint8_t>& st,
                                     int n_past) const override {
    auto c = by_entropy(H, st, n_past);
    if (c.empty()) return {};
    return {{c.front()}};
  }
};

struct Threshold : Policy {
  float tau;
  explicit Threshold(float t) : tau(t) {}
  std::string name() const override { return "threshold"; }
  std::vector<CollapseChoice> choose(const std::vector<float>& H, const std::vector<uint8_t>& st,
                                     int n_past) const override {
    auto c = by_entropy(H, st, n_past);
    if (c.empty()) return {};
    // The curve's level: the candidates' median entropy. Far rows of a trained model sit close
    // together (6.3-6.6 nats on the bundled one), so a row well under them stands out whatever
    // the vocabulary or the distance.
    const size_t n = c.size();
    const float level = n % 2 ? H[c[n / 2]] : 0.5f * (H[c[n / 2 - 1]] + H[c[n / 2]]);
    std::vector<CollapseChoice> out;
    for (int i : c)
      if (H[i] <= level - tau) out.push_back({i});
    if (out.empty()) out.push_back({c.front()});  // never stall: the most certain row goes
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.pos < b.pos; });
    return out;
  }
};

struct EntropyBudget : Policy {
  float gamma;
  explicit EntropyBudget(float g) : gamma(g) {}
  std::string name() const override { return "entropy-budget"; }
  std::vector<CollapseChoice> choose(const std::vector<float>& H, const std::vector<uint8_t>& st,
                                     int n_past) const override {
    auto c = by_entropy(H, st, n_past);
    if (c.empty()) return {};
    std::vector<CollapseChoice> out{{c.front()}};
    double sum = H[c.front()];
    for (size_t k = 1; k < c.size(); ++k) {
      if (sum + H[c[k]] > gamma) break;
      sum += H[c[k]];
      out.push_back({c[k]});
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.pos < b.pos; });
    return out;
  }
};

struct MedianPartial : Policy {
  float alpha;
  explicit MedianPartial(float a) : alpha(a) {}
  std::string name() const override { return "median-partial"; }
  std::vector<CollapseChoice> choose(const std::vector<float>& H, const std::vector<uint8_t>& st,
                                     int n_past) const override {
    auto c = by_entropy(H, st, n_past);
    if (c.empty()) return {};
    return {{c[(c.size() - 1) / 2], true, alpha}};  // lower median
  }
};

struct Manual : Policy {
  std::string name() const override { return "manual"; }
  std::vector<CollapseChoice> choose(const std::vector<float>&, const std::vector<uint8_t>&, int) const override {
    return {};  // clicks only
  }
};

}  // namespace

std::vector<std::string> policy_names() {
  return {"first-future", "lowest-entropy", "threshold", "entropy-budget", "median-partial", "manual"};
}

void PolicyParams::validate() const {
  auto bad = [](const char* field, const char* range, float v) {
    std::ostringstream m;
    m << field << ": must be " << range << ", got " << v;
    return InputError(m.str());
  };
  if (!(threshold >= 0 && std::isfinite(threshold))) throw bad("threshold", ">= 0 nats", threshold);
  if (!(budget > 0 && std::isfinite(budget))) throw bad("budget", "> 0 nats", budget);
  if (!(alpha > 0 && alpha <= 1)) throw bad("alpha", "in (0, 1]", alpha);
}

std::unique_ptr<Policy> make_policy(const std::string& name, const PolicyParams& p) {
  p.validate();
  if (name == "first-future") return std::make_unique<FirstFuture>();
  if (name == "lowest-entropy") return std::make_unique<LowestEntropy>();
  if (name == "threshold") return std::make_unique<Threshold>(p.threshold);
  if (name == "entropy-budget") return std::make_unique<EntropyBudget>(p.budget);
  if (name == "median-partial") return std::make_unique<MedianPartial>(p.alpha);
  if (name == "manual") return std::make_unique<Manual>();
  std::string all;
  for (auto& n : policy_names()) all += (all.empty() ? "" : ", ") + n;
  throw InputError("unknown policy '" + name + "' (one of: " + all + ")");
}

}  // namespace wfc
