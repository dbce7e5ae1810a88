#include "model/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "model/errors.h"
#include "model/sampling.h"

namespace wfc {

Engine::Engine(Network net, const EngineConfig& cfg, torch::Device device)
    : net_(std::move(net)), cfg_(cfg), dev_(device), rng_(cfg.seed) {
  V_ = net_->cfg.vocab_size;
  T_ = net_->cfg.block_size;
  if (cfg_.threads > 0 && device.is_cpu()) torch::set_num_threads(cfg_.threads);
  cfg_.validate();
  net_->to(dev_);
  net_->eval();
}

void Engine::reset(const std::vector<int>& prompt) {
  if (prompt.empty()) throw InputError("engine: the prompt must hold at least one token");
  for (int t : prompt)
    if (t < 0 || t >= V_) throw InputError("engine: prompt token " + std::to_string(t) + " is outside the vocabulary");
  const int future = std::min(cfg_.future, T_ - 1);
  const int keep = std::min<int>(int(prompt.size()), T_ - future);
  std::vector<int> past(prompt.end() - keep, prompt.end());
  n_past_ = keep;
  const int L = keep + future;
  auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(dev_);
  p_ = torch::full({L, V_}, 1.0f / float(V_), opts);  // [L,V] uniform
  auto ids = torch::tensor(past, torch::kLong).to(dev_);
  p_.narrow(0, 0, keep).copy_(torch::one_hot(ids, V_).to(torch::kFloat32));
  status_.assign(L, RowStatus::Free);
  std::fill(status_.begin(), status_.begin() + keep, RowStatus::Past);
  alpha_.assign(L, 0.0f);
  hold_left_.assign(L, 0);
  tokens_.assign(L, -1);
  std::copy(past.begin(), past.end(), tokens_.begin());
  iteration_ = 0;
  offset_ = 0;
  converge_iter_ = 0;
}

MaskKind Engine::mask_kind() const {
  return cfg_.mask == MaskKind::Checkpoint ? parse_mask(net_->cfg.mask, "checkpoint", true) : cfg_.mask;
}

bool Engine::may_change(int i) const {
  switch (status_[i]) {
    case RowStatus::Free: return true;
    case RowStatus::Past: return !cfg_.pin_past && (i > 0 || net_->cfg.readout == "same");
    default: return false;
  }
}

bool Engine::one_hot(int i) const {
  return tokens_[i] >= 0 && (status_[i] == RowStatus::Collapsed || (status_[i] == RowStatus::Past && !may_change(i)));
}

bool Engine::in_focus(int i) const { return focus_ == 0 || i < n_past_ + focus_; }

int Engine::rows_to_run() const {
  // Rows after the focus may be left alone only when no row inside it can see them.
  const int L = length();
  if (focus_ == 0 || n_past_ + focus_ >= L) return L;
  const int end = n_past_ + focus_;
  const MaskKind kind = mask_kind();
  if (kind == MaskKind::Causal) return end;
  if (kind == MaskKind::Held) {
    for (int i = end; i < L; ++i)
      if (status_[i] != RowStatus::Free) return L;  // a held row is seen by every future row
    return end;
  }
  return L;
}

std::vector<int64_t> Engine::soft_rows(int R) const {
  std::vector<int64_t> soft;
  for (int i = 0; i < R; ++i)
    if (!one_hot(i)) soft.push_back(i);
  return soft;
}

torch::Tensor Engine::soft_embedding(const torch::Tensor& p, const std::vector<int64_t>& soft) const {
  // The same rows with the same values give the same product, so a reuse is bit-identical to the
  // recompute a restored session does; the check (one compare of [S,V]) is the only cost.
  auto ps = p.index_select(0, torch::tensor(soft, torch::kLong).to(dev_));   // [S,V]
  if (soft_emb_.e.defined() && soft_emb_.rows == soft && torch::equal(soft_emb_.p, ps)) return soft_emb_.e;
  ++soft_products_;
  soft_emb_ = {soft, ps, torch::matmul(ps, net_->wte->weight)};            // [S,V] @ [V,C] -> [S,C]
  return soft_emb_.e;
}

torch::Tensor Engine::embed_rows(const torch::Tensor& p, const torch::Tensor& held) const {
  // Rows known to be one-hot (pinned past, collapsed) are looked up: bit-identical to onehot @ E
  // and it keeps the V-wide matmul to the few soft rows.
  const int L = int(p.size(0));
  std::vector<int64_t> hard, hard_tok, soft = soft_rows(L);
  for (int i = 0; i < L; ++i)
    if (one_hot(i)) {
      hard.push_back(i);
      hard_tok.push_back(tokens_[i]);
    }
  const auto& E = net_->wte->weight;                                     // [V,C]
  auto x = torch::empty({L, E.size(1)}, E.options());                    // [L,C]
  auto idx = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong).to(dev_); };
  if (!hard.empty()) x.index_copy_(0, idx(hard), E.index_select(0, idx(hard_tok)));
  if (!soft.empty()) x.index_copy_(0, idx(soft), soft_embedding(p, soft));
  if (net_->wpe) x = x + net_->wpe->weight.narrow(0, 0, L);
  return net_->mark_held(x.unsqueeze(0), held).squeeze(0);               // [L,C]
}

torch::Tensor Engine::held_rows() const {
  if (mask_kind() != MaskKind::Held && !net_->held_emb.defined()) return {};
  const int L = length();
  std::vector<int64_t> held(L);
  for (int i = 0; i < L; ++i)
    held[i] = i >= n_past_ && status_[i] != RowStatus::Free && status_[i] != RowStatus::Past;
  return torch::tensor(held, torch::kLong).to(dev_).to(torch::kBool).unsqueeze(0);  // [1,L]
}

int Engine::first_changing_row() const {
  for (int i = 0; i < length(); ++i)
    if (may_change(i)) return i;
  return length();
}

torch::Tensor Engine::readout_probs(const torch::Tensor& p, const torch::Tensor& x0, const torch::Tensor& held,
                                    int start) {
  // Feedback for rows [start, L): fb [L-start, V]. x0 = embed_rows(p, held) [L,C].
  const int L = int(p.size(0));
  auto future = (torch::arange(L, torch::TensorOptions().device(dev_)) >= n_past_).unsqueeze(0);  // [1,L]
  auto allowed = net_->attention_mask(future, mask_name(mask_kind()), held);    // [1,1,L,L] or undefined
  // Final hidden states of rows [h0, L): with a cached past only the rows after it are run.
  int h0 = 0;
  torch::Tensor h;                                                                // [L-h0,C]
  if (past_cacheable()) h = past_cache_.run(net_, x0, tokens_, n_past_, mask_kind(), allowed, h0);
  else h = net_->stack(x0.unsqueeze(0), allowed)[0];
  auto hidden = [&](int a, int n) {                                               // rows [a, a+n) -> [n,C]
    if (a >= h0) return h.narrow(0, a - h0, n);
    return torch::cat({past_cache_.h_before().unsqueeze(0), h.narrow(0, 0, n - 1)}, 0);  // a = h0 - 1
  };
  if (net_->cfg.readout == "same")
    return torch::softmax(net_->readout(hidden(start, L - start)), -1);           // [L-start,V]
  // Shifted: row i-1's read-out is the distribution of token i. Row 0 has no predictor.
  if (start == 0) {
    auto q = torch::softmax(net_->readout(hidden(0, L - 1)), -1);                // [L-1,V]
    return torch::cat({p.narrow(0, 0, 1), q}, 0);                                // [L,V]
  }
  return torch::softmax(net_->readout(hidden(start - 1, L - start)), -1);         // [L-start,V]
}

bool Engine::past_cacheable() const {
  // Pinned one-hot past rows under a mask that keeps them blind to the future (past_cache.h).
  if (!cfg_.cache_past || !cfg_.pin_past || n_past_ == 0) return false;
  for (int i = 0; i < n_past_; ++i)
    if (!one_hot(i)) return false;
  return PastCache::cacheable_rows(net_->cfg, mask_kind(), n_past_) > 0;
}

StepReport Engine::step() {
  torch::NoGradGuard ng;
  const auto t0 = std::chrono::steady_clock::now();
  const int L = length();
  const int R = rows_to_run();             // L, or the focused rows when nothing in them sees the rest
  const int start = first_changing_row();  // rows before it are held: no V-wide work for them
  auto upd = torch::zeros({L}, p_.options()), kl = torch::zeros({L}, p_.options());  // [L]
  if (start < R) {
    const int n = R - start;
    auto held = held_rows();                                             // [1,L] or undefined
    if (held.defined() && R < L) held = held.narrow(1, 0, R);            // [1,R]
    auto pr = p_.narrow(0, 0, R);                                        // [R,V]
    auto x_all = embed_rows(pr, held);                                   // [R,C]
    auto fb = readout_probs(pr, x_all, held, start);                     // [n,V]
    auto p = p_.narrow(0, start, n);                                     // [n,V]
    std::vector<int64_t> change(n);
    for (int i = 0; i < n; ++i) change[i] = may_change(start + i);
    auto m = torch::tensor(change, torch::kLong).to(dev_, torch::kFloat32).unsqueeze(1);  // [n,1]
    auto dp = m * (cfg_.eta * (fb - p));                                 // [n,V]
    auto newp = p + dp;                                                  // [n,V]
    auto x = x_all.narrow(0, start, n);                                  // [n,C]
    kl.narrow(0, start, n).copy_(kl_rows(newp, p));                     // [n], float64 inside
    // The update norm |dp @ E| is taken as |newp @ E - p @ E|: newp @ E is the next iteration's
    // embedding, so the V-wide product runs once per iteration, not twice.
    const auto soft = soft_rows(R);
    auto before = soft_embedding(pr, soft);                              // [S,C] (this iteration's)
    p_.narrow(0, start, n).copy_(newp);
    auto after = soft_embedding(p_.narrow(0, 0, R), soft);               // [S,C] (the next one's)
    auto dx = torch::zeros({n, x.size(1)}, x.options());                 // [n,C] rows [start, R)
    std::vector<int64_t> at, in_dx;                                      // soft rows inside [start, R)
    for (size_t j = 0; j < soft.size(); ++j)
      if (soft[j] >= start) {
        at.push_back(int64_t(j));
        in_dx.push_back(soft[j] - start);
      }
    if (!at.empty()) {
      auto a = torch::tensor(at, torch::kLong).to(dev_);
      dx.index_copy_(0, torch::tensor(in_dx, torch::kLong).to(dev_), after.index_select(0, a) - before.index_select(0, a));
    }
    // The difference of two products carries float rounding of ~1e-7 |x|: under a tolerance
    // within 100x of that, the update norm takes the direct product instead.
    if (cfg_.stop_on != "kl" && cfg_.tol < 1e-5f) dx = torch::matmul(dp, net_->wte->weight);  // [n,C]
    upd.narrow(0, start, n).copy_((m * dx).norm(2, -1) / x.norm(2, -1).clamp_min(1e-12));
  }
  ++iteration_;
  tick_holds();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  StepReport r = report(upd, kl, ms);
  r.converge_iteration = converge_iter_;
  return r;
}

void Engine::tick_holds() {
  for (size_t i = 0; i < status_.size(); ++i)
    if (status_[i] == RowStatus::Partial && hold_left_[i] > 0 && --hold_left_[i] == 0) {
      status_[i] = RowStatus::Free;
      alpha_[i] = 0;
    }
}

StepReport Engine::converge_step() {
  ++converge_iter_;
  StepReport r = step();
  r.converge_done = r.converged || converge_iter_ >= cfg_.max_iters;
  if (r.converge_done) converge_iter_ = 0;
  return r;
}

int Engine::converge(const StepCallback& cb) {
  converge_iter_ = 0;
  int n = 0;
  for (;;) {
    StepReport r = converge_step();
    ++n;
    if (cb && !cb(r)) break;
    if (r.converge_done) break;
  }
  converge_iter_ = 0;
  return n;
}

StepReport Engine::report(const torch::Tensor& upd, const torch::Tensor& kl, double ms) const {
  const int L = length();
  const int k = std::min(cfg_.top_k, V_);
  StepReport r;
  r.iteration = iteration_;
  r.n_past = n_past_;
  r.length = L;
  if (const int R = rows_to_run(); R < L) r.unrun_from = R;
  r.k = k;
  r.ms = ms;
  // Only rows that can differ from a one-hot go through the V-wide entropy and top-k. A one-hot
  // row (pinned past, collapsed) has entropy 0, its token first, then the lowest other ids at 0.
  r.entropy.assign(L, 0.0f);
  r.topk_probs.assign(size_t(L) * k, 0.0f);
  r.topk_ids.assign(size_t(L) * k, 0);
  std::vector<int64_t> soft;
  for (int i = 0; i < L; ++i) {
    if (!one_hot(i)) {
      soft.push_back(i);
      continue;
    }
    int32_t* ids = &r.topk_ids[size_t(i) * k];
    ids[0] = tokens_[i];
    r.topk_probs[size_t(i) * k] = 1.0f;
    int id = 0;
    for (int j = 1; j < k; ++j, ++id) {
      if (id == tokens_[i]) ++id;
      ids[j] = id;
    }
  }
  if (!soft.empty()) {
    const int n = int(soft.size());
    auto pc = p_.index_select(0, torch::tensor(soft, torch::kLong).to(dev_)).to(torch::kCPU);  // [n,V]
    auto H = -(pc * pc.clamp_min(1e-30f).log()).sum(-1).contiguous();     // [n] nats
    auto tk = pc.topk(k, -1);
    auto vals = std::get<0>(tk).contiguous(), ids = std::get<1>(tk).to(torch::kInt).contiguous();  // [n,k]
    for (int j = 0; j < n; ++j) {
      const size_t i = size_t(soft[j]);
      r.entropy[i] = H.data_ptr<float>()[j];
      std::copy_n(vals.data_ptr<float>() + size_t(j) * k, k, r.topk_probs.begin() + i * k);
      std::copy_n(ids.data_ptr<int32_t>() + size_t(j) * k, k, r.topk_ids.begin() + i * k);
    }
  }
  r.argmax.resize(L);
  for (int i = 0; i < L; ++i) r.argmax[i] = r.topk_ids[size_t(i) * k];
  r.status.resize(L);
  for (int i = 0; i < L; ++i) r.status[i] = uint8_t(status_[i]);
  r.alpha = alpha_;
  if (upd.defined()) {
    auto u = upd.to(torch::kCPU).contiguous(), d = kl.to(torch::kCPU).contiguous();
    r.update.assign(u.data_ptr<float>(), u.data_ptr<float>() + L);
    r.kl.assign(d.data_ptr<float>(), d.data_ptr<float>() + L);
  } else {
    r.update.assign(L, 0.0f);
    r.kl.assign(L, 0.0f);
  }
  bool any = false;
  for (int i = 0; i < L; ++i)
    if (may_change(i) && in_focus(i)) {
      any = true;
      r.max_update = std::max(r.max_update, r.update[i]);
      r.max_kl = std::max(r.max_kl, r.kl[i]);
    }
  const float metric = cfg_.stop_on == "kl" ? r.max_kl : r.max_update;
  r.converged = upd.defined() && (!any || metric < cfg_.tol);
  return r;
}

StepReport Engine::snapshot() const { return report({}, {}, 0.0); }

int Engine::future_row(int64_t pos, const char* what) const {
  const int64_t first = position(n_past_), end = position(length());
  if (pos < first || pos >= end)
    throw InputError(std::string(what) + ": position " + std::to_string(pos) + " is not in the future (positions " +
                     std::to_string(first) + ".." + std::to_string(end - 1) + ")");
  return int(pos - offset_);
}

int Engine::past_row(int64_t pos, const char* what) const {
  const int64_t first = position(0), end = position(n_past_);
  if (pos < first || pos >= end)
    throw InputError(std::string(what) + ": position " + std::to_string(pos) + " is not in the window's past (positions " +
                     std::to_string(first) + ".." + std::to_string(end - 1) + ")");
  return int(pos - offset_);
}

void Engine::check_future(int pos, const char* what) const {
  if (pos < n_past_ || pos >= length())
    throw InputError(std::string(what) + ": position " + std::to_string(pos) + " is not in the future (rows " +
                     std::to_string(n_past_) + ".." + std::to_string(length() - 1) + ")");
}

int Engine::collapse(int pos, Pick how, int token) {
  check_future(pos, "collapse");
  if (status_[pos] == RowStatus::Collapsed)
    throw InputError("collapse: position " + std::to_string(pos) + " is already collapsed");
  auto row = p_[pos].to(torch::kCPU).contiguous();                       // [V]
  const float* pr = row.data_ptr<float>();
  int t = token;
  if (how == Pick::Token) {
    if (t < 0 || t >= V_) throw InputError("collapse: token " + std::to_string(t) + " is outside the vocabulary");
  } else if (how == Pick::Argmax) {
    t = int(std::max_element(pr, pr + V_) - pr);
  } else {
    t = sample_token(pr, V_, cfg_.temperature, cfg_.sample_top_k, cfg_.sample_top_p, rng_);
  }
  p_[pos].zero_();
  p_[pos][t] = 1.0f;
  status_[pos] = RowStatus::Collapsed;
  tokens_[pos] = t;
  alpha_[pos] = 0;
  hold_left_[pos] = 0;
  converge_iter_ = 0;
  return t;
}

int Engine::collapse_partial(int pos, float alpha, int hold, int token) {
  check_future(pos, "partial collapse");
  if (status_[pos] == RowStatus::Collapsed)
    throw InputError("partial collapse: position " + std::to_string(pos) + " is already collapsed");
  if (!(alpha >= 0 && alpha <= 1)) throw InputError("partial collapse: alpha must be in [0, 1]");
  int t = token;
  if (t < 0) t = int(p_[pos].argmax().item<int64_t>());
  if (t >= V_) throw InputError("partial collapse: token " + std::to_string(t) + " is outside the vocabulary");
  auto onehot = torch::zeros({V_}, p_.options());
  onehot[t] = 1.0f;
  p_[pos].copy_((1.0f - alpha) * p_[pos] + alpha * onehot);
  status_[pos] = RowStatus::Partial;
  alpha_[pos] = alpha;
  hold_left_[pos] = std::max(hold, 0);
  converge_iter_ = 0;
  return t;
}

void Engine::sharpen(int pos, float tau, int hold) {
  check_future(pos, "sharpen");
  if (status_[pos] == RowStatus::Collapsed)
    throw InputError("sharpen: position " + std::to_string(pos) + " is already collapsed");
  if (!(tau > 0)) throw InputError("sharpen: tau must be > 0");
  auto logp = p_[pos].clamp_min(1e-30f).log() / tau;
  p_[pos].copy_(torch::softmax(logp, -1));
  status_[pos] = RowStatus::Partial;
  alpha_[pos] = 0;
  hold_left_[pos] = std::max(hold, 0);
  converge_iter_ = 0;
}

void Engine::pin(int pos) {
  check_future(pos, "pin");
  if (status_[pos] == RowStatus::Free) status_[pos] = RowStatus::Pinned;
  converge_iter_ = 0;
}

void Engine::release(int pos) {
  check_future(pos, "release");
  if (status_[pos] == RowStatus::Partial || status_[pos] == RowStatus::Pinned) {
    status_[pos] = RowStatus::Free;
    alpha_[pos] = 0;
    hold_left_[pos] = 0;
  }
  converge_iter_ = 0;
}

int Engine::edit_past(int row, int token) {
  if (row < 0 || row >= n_past_)
    throw InputError("edit: row " + std::to_string(row) + " is not in the past (rows 0.." + std::to_string(n_past_ - 1) + ")");
  if (token < 0 || token >= V_) throw InputError("edit: token " + std::to_string(token) + " is outside the vocabulary");
  const int was = tokens_[row] >= 0 ? tokens_[row] : int(p_[row].argmax().item<int64_t>());
  p_[row].zero_();
  p_[row][token] = 1.0f;
  tokens_[row] = token;
  converge_iter_ = 0;
  return was;
}

int Engine::mint() {
  if (n_past_ >= length()) throw InputError("mint: there is no future row");
  if (status_[n_past_] != RowStatus::Collapsed)
    throw InputError("mint: the first future row (" + std::to_string(n_past_) + ") is not collapsed yet");
  const int t = tokens_[n_past_];
  status_[n_past_] = RowStatus::Past;
  ++n_past_;
  if (length() == T_) {  // full: slide left by one
    p_ = p_.narrow(0, 1, length() - 1);
    status_.erase(status_.begin());
    alpha_.erase(alpha_.begin());
    hold_left_.erase(hold_left_.begin());
    tokens_.erase(tokens_.begin());
    --n_past_;
    ++offset_;
  }
  p_ = torch::cat({p_, torch::full({1, V_}, 1.0f / float(V_), p_.options())}, 0).contiguous();  // [L,V]
  status_.push_back(RowStatus::Free);
  alpha_.push_back(0);
  hold_left_.push_back(0);
  tokens_.push_back(-1);
  converge_iter_ = 0;
  return t;
}

EngineState Engine::save_state() const {
  torch::NoGradGuard ng;
  EngineState s;
  s.status = status_;
  s.alpha = alpha_;
  s.hold_left = hold_left_;
  s.tokens = tokens_;
  s.n_past = n_past_;
  s.iteration = iteration_;
  s.offset = offset_;
  s.rng = rng_;
  auto pc = p_.to(torch::kCPU);                                           // [L,V]
  const int L = length();
  // A row is kept as its token only when it is exactly that one-hot (a drifted past row is not).
  std::vector<int64_t> rows, toks;
  for (int i = 0; i < L; ++i)
    if (tokens_[i] >= 0) {
      rows.push_back(i);
      toks.push_back(tokens_[i]);
    }
  std::vector<uint8_t> hard(L, 0);
  if (!rows.empty()) {
    auto r = pc.index_select(0, torch::tensor(rows, torch::kLong));         // [n,V]
    auto at = r.gather(1, torch::tensor(toks, torch::kLong).unsqueeze(1)).squeeze(1);  // [n]
    auto exact = ((at == 1.0f) & ((r != 0).sum(1) == 1)).to(torch::kUInt8).contiguous();  // [n]
    for (size_t j = 0; j < rows.size(); ++j) hard[rows[j]] = exact.data_ptr<uint8_t>()[j];
  }
  for (int i = 0; i < L; ++i)
    if (!hard[i]) s.soft_rows.push_back(i);
  if (!s.soft_rows.empty()) s.soft = pc.index_select(0, torch::tensor(s.soft_rows, torch::kLong)).clone();
  return s;
}

void Engine::restore_state(const EngineState& s) {
  torch::NoGradGuard ng;
  if (s.empty()) throw InputError("engine: cannot restore an empty state");
  if (s.soft.defined() && s.soft.size(1) != V_) throw InputError("engine: the state comes from another vocabulary");
  const int L = int(s.status.size());
  auto p = torch::zeros({L, V_}, torch::kFloat32);                        // [L,V]
  for (int i = 0; i < L; ++i)
    if (s.tokens[i] >= 0) p[i][s.tokens[i]] = 1.0f;
  if (!s.soft_rows.empty()) p.index_copy_(0, torch::tensor(s.soft_rows, torch::kLong), s.soft);
  p_ = p.to(dev_);
  status_ = s.status;
  alpha_ = s.alpha;
  hold_left_ = s.hold_left;
  tokens_ = s.tokens;
  n_past_ = s.n_past;
  iteration_ = s.iteration;
  offset_ = s.offset;
  rng_ = s.rng;
  converge_iter_ = 0;
}

std::vector<int> Engine::past_tokens() const { return std::vector<int>(tokens_.begin(), tokens_.begin() + n_past_); }

void Engine::set_probs_row(int pos, const torch::Tensor& row) {
  if (pos < 0 || pos >= length()) throw InputError("set_probs_row: position out of range");
  p_[pos].copy_(row.to(p_.options()));
}

}  // namespace wfc
