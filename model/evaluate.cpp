#include "model/evaluate.h"
#include "model/engine_config.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "model/errors.h"
#include "model/past_cache.h"

namespace wfc {

void to_json(nlohmann::json& j, const EvalResult& r) {
  j = {{"objective", r.objective},
       {"windows", r.windows},
       {"future", r.future},
       {"rounds", r.rounds},
       {"scored", r.scored},
       {"first_future_nll", r.first_future_nll},
       {"val_loss", r.val_loss},
       {"nll_by_distance", r.nll_by_distance},
       {"entropy_by_distance", r.entropy_by_distance},
       {"past_entropy", r.past_entropy},
       {"entropy_rank_corr", r.entropy_rank_corr},
       {"mean_iters", r.mean_iters},
       {"converged_share", r.converged_share},
       {"reconverge_mean_iters", r.reconverge_mean_iters},
       {"early_exit_share", r.early_exit_share},
       {"ahead", r.ahead},
       {"ahead_nll_before", r.ahead_nll_before},
       {"ahead_nll_after", r.ahead_nll_after},
       {"ahead_iters", r.ahead_iters},
       {"think_ahead", r.think_ahead},
       {"first_future_nll_f1", r.first_future_nll_f1},
       {"think_ahead_gain", r.think_ahead_gain},
       {"seconds", r.seconds}};
}

double spearman(const std::vector<double>& y) {
  const size_t n = y.size();
  if (n < 2) return 0;
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return y[a] < y[b]; });
  std::vector<double> rank(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && y[idx[j + 1]] == y[idx[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[idx[k]] = 0.5 * double(i + j) + 1;
    i = j + 1;
  }
  const double mean = (n + 1) / 2.0;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = double(i + 1) - mean, dy = rank[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

namespace {

struct Sums {
  std::vector<double> nll, ent;
  double first_iters = 0, first_conv = 0, re_iters = 0, re_conv = 0, ar_all = 0;
  double ahead_before = 0, ahead_after = 0, ahead_iters = 0;
  int64_t n = 0, first_n = 0, re_n = 0, ar_all_n = 0, ahead_n = 0, ahead_windows = 0;
};

// Converges the future rows ps [n,F,V] of windows ids [n,T] (past = the first T-F rows) in place.
// held [n,T] bool (optional) marks future rows that stay as they are (collapsed).
// Returns iterations per window and whether each met tol.
void converge_batch(Network& net, const torch::Tensor& ids, torch::Tensor& ps, const EvalOptions& o,
                    std::vector<int>& iters, std::vector<bool>& met, const torch::Tensor& held = {}) {
  const int64_t n = ids.size(0), T = ids.size(1), Fn = ps.size(1), P = T - Fn;
  auto future = (torch::arange(T, ids.options()) >= P).unsqueeze(0).expand({n, T});  // [n,T]
  auto allowed = net->attention_mask(future, held);                      // [n,1,T,T]
  auto past_x = net->wte(ids.narrow(1, 0, P));                           // [n,P,C] positions are added below, once
  // The past, run once per convergence (past_cache.h): under the causal, block and held masks past
  // rows never see the future, so their keys and values are the same in every iteration.
  const MaskKind mask = parse_mask(net->cfg.mask, "checkpoint", true);
  const bool cache = o.cache_past && P > 0 && PastCache::cacheable_rows(net->cfg, mask, int(P)) == P;
  std::vector<torch::Tensor> past_k, past_v;
  torch::Tensor h_before;                                                // [n,1,C] final state of row P-1
  if (cache) {
    auto xp = net->wpe ? past_x + net->wpe->weight.narrow(0, 0, P) : past_x;  // [n,P,C] as the loop's x rows
    xp = net->mark_held(xp, held.defined() ? held.narrow(1, 0, P) : held);
    auto mp = allowed.defined() ? allowed.narrow(2, 0, P).narrow(3, 0, P) : allowed;  // [n,1,P,P]
    h_before = net->stack_rows(xp, 0, {}, {}, mp, &past_k, &past_v).narrow(1, P - 1, 1);  // [n,1,C]
  }
  auto active = torch::ones({n}, torch::TensorOptions().dtype(torch::kBool).device(ids.device()));
  auto it_count = torch::zeros({n}, torch::kLong).to(ids.device());
  auto met_t = torch::zeros({n}, torch::TensorOptions().dtype(torch::kBool).device(ids.device()));
  for (int it = 0; it < o.max_iters; ++it) {
    auto x = torch::cat({past_x, torch::matmul(ps, net->wte->weight)}, 1);  // [n,T,C]
    if (net->wpe) x = x + net->wpe->weight.narrow(0, 0, T);
    x = net->mark_held(x, held);                                           // [n,T,C]
    torch::Tensor h;                                                       // [n,F,C] predictors of the future rows
    if (cache) {
      auto hf = net->stack_rows(x.narrow(1, P, Fn), P, past_k, past_v,
                                allowed.defined() ? allowed.narrow(2, P, Fn) : allowed);  // [n,F,C]
      h = torch::cat({h_before, hf.narrow(1, 0, Fn - 1)}, 1);
    } else {
      h = net->stack(x, allowed).narrow(1, P - 1, Fn);
    }
    auto q = torch::softmax(net->readout(h), -1);                          // [n,F,V]
    auto np = ps + o.eta * (q - ps);                                       // [n,F,V]
    if (held.defined()) np = torch::where(held.narrow(1, P, Fn).unsqueeze(2), ps, np);  // held rows stay
    auto kl = (np * (np.clamp_min(1e-12).log() - ps.clamp_min(1e-12).log())).sum(-1).clamp_min(0).amax(-1);  // [n]
    auto a = active.unsqueeze(1).unsqueeze(2);                             // [n,1,1]
    ps = torch::where(a, np, ps);
    it_count += active.to(torch::kLong);
    auto done = kl < o.tol;
    met_t = met_t | (active & done);
    active = active & done.logical_not();
    if (!active.any().item<bool>()) break;
  }
  auto ic = it_count.cpu(), mc = met_t.cpu();
  iters.assign(ic.data_ptr<int64_t>(), ic.data_ptr<int64_t>() + n);
  met.resize(n);
  for (int64_t i = 0; i < n; ++i) met[i] = mc.data_ptr<bool>()[i];
}

// The collapse-ahead probe on converged future rows ps [n,F,V] (left as they are).
void probe_ahead(Network& net, const torch::Tensor& win, const torch::Tensor& ps, const EvalOptions& o, Sums& s) {
  const int64_t n = win.size(0), T = win.size(1), Fn = ps.size(1), P = T - Fn, c = o.ahead - 1, V = ps.size(2);
  auto tgt = win.narrow(1, P, Fn).unsqueeze(2);                          // [n,F,1]
  auto q = ps.clone();                                                   // [n,F,V]
  q.select(1, c).copy_(torch::one_hot(win.select(1, P + c), V).to(ps.dtype()));
  auto held = torch::zeros({n, T}, torch::TensorOptions().dtype(torch::kBool).device(win.device()));
  held.select(1, P + c).fill_(true);
  std::vector<int> iters;
  std::vector<bool> met;
  converge_batch(net, win, q, o, iters, met, held);
  auto nll = [&](const torch::Tensor& p) {  // summed NLL of rows d = 2 .. ahead-1
    return -p.gather(2, tgt).squeeze(2).narrow(1, 1, c - 1).clamp_min(1e-30).log().sum().item<double>();
  };
  s.ahead_before += nll(ps);
  s.ahead_after += nll(q);
  s.ahead_n += n * (c - 1);
  s.ahead_windows += n;
  for (int it : iters) s.ahead_iters += it;
}

void eval_wfc_batch(Network& net, const torch::Tensor& ids, const EvalOptions& o, int T, Sums& s) {
  const int64_t n = ids.size(0), V = net->cfg.vocab_size, Fn = o.future, P = T - Fn;
  auto ps = torch::full({n, Fn, V}, 1.0f / float(V), torch::TensorOptions().device(ids.device()));  // [n,F,V]
  for (int r = 0; r <= o.reconverge; ++r) {
    auto win = ids.narrow(1, r, T);                                        // [n,T]
    if (r > 0)  // mint: the first future row (collapsed to its true token) joins the past
      ps = torch::cat({ps.narrow(1, 1, Fn - 1), torch::full({n, 1, V}, 1.0f / float(V), ps.options())}, 1);
    std::vector<int> iters;
    std::vector<bool> met;
    converge_batch(net, win, ps, o, iters, met);
    if (r == 0 && o.ahead >= 3 && o.ahead <= Fn) probe_ahead(net, win, ps, o, s);
    for (int64_t i = 0; i < n; ++i) {
      (r == 0 ? s.first_iters : s.re_iters) += iters[i];
      (r == 0 ? s.first_conv : s.re_conv) += met[i];
    }
    (r == 0 ? s.first_n : s.re_n) += n;
    auto tgt = win.narrow(1, P, Fn).unsqueeze(2);                          // [n,F,1]
    auto nll = -ps.gather(2, tgt).squeeze(2).clamp_min(1e-30).log();       // [n,F]
    auto ent = -(ps * ps.clamp_min(1e-30).log()).sum(-1);                  // [n,F]
    auto nll_d = nll.sum(0).cpu(), ent_d = ent.sum(0).cpu();
    for (int64_t d = 0; d < Fn; ++d) {
      s.nll[d] += nll_d[d].item<double>();
      s.ent[d] += ent_d[d].item<double>();
    }
    s.n += n;
  }
}

void eval_ar_batch(Network& net, const torch::Tensor& ids, const EvalOptions& o, int T, Sums& s) {
  const int64_t n = ids.size(0), P = T - o.future;
  auto none = torch::zeros({n, T}, torch::TensorOptions().dtype(torch::kBool).device(ids.device()));
  auto causal = net->attention_mask(none, mask_name(MaskKind::Causal));
  for (int r = 0; r <= o.reconverge; ++r) {
    auto win = ids.narrow(1, r, T);                                        // [n,T]
    auto logp = torch::log_softmax(net->readout(net->stack(net->embed_tokens(win), causal)), -1);  // [n,T,V]
    auto nll = -logp.narrow(1, 0, T - 1).gather(2, win.narrow(1, 1, T - 1).unsqueeze(2)).squeeze(2);  // [n,T-1]
    s.nll[0] += nll.select(1, P - 1).sum().item<double>();                 // the first future token
    s.n += n;
    if (r == 0) {
      s.ar_all += nll.sum().item<double>();
      s.ar_all_n += nll.numel();
    }
  }
}

}  // namespace

EvalResult evaluate(Network& net, const std::string& objective, const torch::Tensor& ids_all, const EvalOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const int T = net->cfg.block_size;
  if (objective != "wfc" && objective != "ar") throw InputError("evaluate: objective must be wfc or ar");
  if (o.future < 1 || o.future >= T) throw InputError("evaluate: future must be in [1, block_size)");
  if (ids_all.size(1) != T + o.reconverge) throw InputError("evaluate: windows must hold block_size + reconverge tokens");
  torch::NoGradGuard ng;
  const bool was_training = net->is_training();
  net->eval();
  const auto dev = net->wte->weight.device();
  Sums s;
  s.nll.assign(o.future, 0);
  s.ent.assign(o.future, 0);
  const int64_t N = ids_all.size(0);
  for (int64_t b = 0; b < N; b += o.batch) {
    auto ids = ids_all.narrow(0, b, std::min<int64_t>(o.batch, N - b)).to(dev);
    if (objective == "wfc") eval_wfc_batch(net, ids, o, T, s);
    else eval_ar_batch(net, ids, o, T, s);
  }
  // Think-ahead: the same past and first-future tokens with one future row. The windows are
  // T - F + 1 rows long: every token the F-row pass scored as a first future row, and only those.
  Sums s1;
  const bool think = objective == "wfc" && o.think_ahead && o.future > 1;
  if (think) {
    EvalOptions o1 = o;
    o1.future = 1;
    o1.ahead = 0;
    const int T1 = T - o.future + 1;
    s1.nll.assign(1, 0);
    s1.ent.assign(1, 0);
    for (int64_t b = 0; b < N; b += o.batch) {
      auto ids = ids_all.narrow(0, b, std::min<int64_t>(o.batch, N - b)).narrow(1, 0, T1 + o.reconverge).to(dev);
      eval_wfc_batch(net, ids, o1, T1, s1);
    }
    if (s1.n != s.n) throw std::logic_error("evaluate: the think-ahead pass scored other tokens");
  }
  net->train(was_training);

  EvalResult r;
  r.objective = objective;
  r.windows = int(N);
  r.future = o.future;
  r.rounds = o.reconverge + 1;
  r.scored = s.n;
  r.first_future_nll = s.nll[0] / double(s.n);
  if (objective == "ar") {
    r.val_loss = s.ar_all / double(std::max<int64_t>(s.ar_all_n, 1));
  } else {
    double tot = 0;
    for (int d = 0; d < o.future; ++d) {
      r.nll_by_distance.push_back(s.nll[d] / double(s.n));
      r.entropy_by_distance.push_back(s.ent[d] / double(s.n));
      tot += r.nll_by_distance.back();
    }
    r.val_loss = tot / o.future;
    r.past_entropy = 0;  // past rows stay pinned one-hot rows (embedded by lookup): entropy exactly 0
    r.entropy_rank_corr = spearman(r.entropy_by_distance);
    r.mean_iters = s.first_iters / double(std::max<int64_t>(s.first_n, 1));
    r.converged_share = s.first_conv / double(std::max<int64_t>(s.first_n, 1));
    r.reconverge_mean_iters = s.re_iters / double(std::max<int64_t>(s.re_n, 1));
    r.early_exit_share = s.re_conv / double(std::max<int64_t>(s.re_n, 1));
    if (s.ahead_n > 0) {
      r.ahead = o.ahead;
      r.ahead_nll_before = s.ahead_before / double(s.ahead_n);
      r.ahead_nll_after = s.ahead_after / double(s.ahead_n);
      r.ahead_iters = s.ahead_iters / double(s.ahead_windows);
    }
    if (think) {
      r.think_ahead = true;
      r.first_future_nll_f1 = s1.nll[0] / double(s1.n);
      r.think_ahead_gain = r.first_future_nll_f1 - r.first_future_nll;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace wfc
