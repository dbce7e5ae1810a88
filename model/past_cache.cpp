#include "model/past_cache.h"

#include <algorithm>

namespace wfc {

int PastCache::cacheable_rows(const ModelConfig& cfg, MaskKind mask, int n_past) {
  switch (mask) {
    case MaskKind::Causal:
    case MaskKind::Block:
    case MaskKind::Held: return n_past;
    case MaskKind::Lookahead: return std::max(0, n_past - cfg.n_layer * cfg.lookahead);
    default: return 0;  // "none" (every row sees the future); Checkpoint is resolved by the caller
  }
}

void PastCache::clear() {
  key_tokens_.clear();
  key_net_ = nullptr;
  prefix_ = 0;
  k_.clear();
  v_.clear();
  h_ = torch::Tensor();
}

void PastCache::build(Network& net, const torch::Tensor& x, int n_past, const torch::Tensor& allowed, int prefix) {
  // The past rows alone: under these masks a past row's keys and values in block l depend only on
  // rows at most (l-1) x lookahead to its right (none for causal/block/held), all inside the past.
  std::vector<torch::Tensor> k, v;
  auto mask = allowed.defined() ? allowed.narrow(2, 0, n_past).narrow(3, 0, n_past) : allowed;  // [1,1,n_past,n_past]
  auto h = net->stack_rows(x.narrow(0, 0, n_past).unsqueeze(0), 0, {}, {}, mask, &k, &v)[0];   // [n_past,C]
  k_.clear();
  v_.clear();
  for (size_t l = 0; l < k.size(); ++l) {
    k_.push_back(k[l].narrow(2, 0, prefix).contiguous());  // [1,H,prefix,D]
    v_.push_back(v[l].narrow(2, 0, prefix).contiguous());
  }
  h_ = h.narrow(0, 0, prefix).contiguous();  // [prefix,C]
  prefix_ = prefix;
  ++builds;
}

void PastCache::extend(Network& net, const torch::Tensor& x, const torch::Tensor& allowed, int prefix) {
  // Rows [P, prefix) became past (a mint): one decode step for them against the cached rows.
  const int P = prefix_, n = prefix - P;
  std::vector<torch::Tensor> k, v;
  auto mask = allowed.defined() ? allowed.narrow(2, P, n).narrow(3, 0, prefix) : allowed;  // [1,1,n,prefix]
  auto h = net->stack_rows(x.narrow(0, P, n).unsqueeze(0), P, k_, v_, mask, &k, &v)[0];     // [n,C]
  for (size_t l = 0; l < k.size(); ++l) {
    k_[l] = torch::cat({k_[l], k[l]}, 2);  // [1,H,prefix,D]
    v_[l] = torch::cat({v_[l], v[l]}, 2);
  }
  h_ = torch::cat({h_, h}, 0);  // [prefix,C]
  prefix_ = prefix;
  ++extends;
}

void PastCache::truncate(int prefix) {
  // An undo to a shorter past: under causal, block and held a row's keys and values depend only on
  // the rows before it, so the first `prefix` rows are still exact (and bit-identical to what the
  // session computed before the mints it undid).
  for (size_t l = 0; l < k_.size(); ++l) {
    k_[l] = k_[l].narrow(2, 0, prefix);  // [1,H,prefix,D]
    v_[l] = v_[l].narrow(2, 0, prefix);
  }
  h_ = h_.narrow(0, 0, prefix);
  prefix_ = prefix;
  ++truncations;
}

torch::Tensor PastCache::run(Network& net, const torch::Tensor& x, const std::vector<int>& tokens, int n_past,
                             MaskKind mask, const torch::Tensor& allowed, int& start) {
  const int L = int(x.size(0));
  const int prefix = cacheable_rows(net->cfg, mask, n_past);
  if (prefix <= 0) throw std::logic_error("PastCache::run: nothing to cache");
  start = prefix;
  // Keyed on the whole past: under lookahead the cached rows' keys and values also depend on the
  // past rows after them.
  const std::vector<int> want(tokens.begin(), tokens.begin() + n_past);
  const bool same_setup = key_net_ == net.get() && key_mask_ == mask && prefix_ > 0;
  if (same_setup && key_tokens_ == want) {
    ++reuses;
  } else if (same_setup && prefix == n_past && prefix_ == int(key_tokens_.size()) && prefix_ < prefix &&
             std::equal(key_tokens_.begin(), key_tokens_.end(), want.begin())) {
    extend(net, x, allowed, prefix);
  } else if (same_setup && prefix == n_past && prefix_ == int(key_tokens_.size()) && prefix < prefix_ &&
             std::equal(want.begin(), want.end(), key_tokens_.begin())) {
    truncate(prefix);
  } else {
    build(net, x, n_past, allowed, prefix);
  }
  key_tokens_ = want;
  key_mask_ = mask;
  key_net_ = net.get();
  auto rows_mask = allowed.defined() ? allowed.narrow(2, prefix, L - prefix) : allowed;  // [1,1,L-P,L]
  return net->stack_rows(x.narrow(0, prefix, L - prefix).unsqueeze(0), prefix, k_, v_, rows_mask)[0];  // [L-P,C]
}

}  // namespace wfc
