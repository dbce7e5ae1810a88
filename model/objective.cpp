#include "model/objective.h"
#include "model/engine_config.h"

#include <numeric>

#include "model/past_cache.h"

namespace wfc {

namespace F = torch::nn::functional;

static double uniform01(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

WindowLayout draw_layout(const TrainConfig& cfg, int B, int T, int64_t step, std::mt19937_64& rng) {
  auto future = torch::zeros({B, T}, torch::kBool), free = torch::zeros({B, T}, torch::kBool);
  auto partial = torch::zeros({B, T}, torch::kFloat32);
  auto* fu = future.data_ptr<bool>();
  auto* fr = free.data_ptr<bool>();
  auto* pa = partial.data_ptr<float>();
  int fmax = cfg.future_max;
  if (cfg.curriculum_steps > 0 && step < cfg.curriculum_steps)  // short futures first
    fmax = cfg.future_min + int((cfg.future_max - cfg.future_min) * double(step) / cfg.curriculum_steps);
  fmax = std::min(fmax, T - 1);
  const int fmin = std::min(cfg.future_min, fmax);
  std::vector<int> rows(T - 1);
  for (int b = 0; b < B; ++b) {
    const int Fn = fmin + int(rng() % uint64_t(fmax - fmin + 1));
    std::vector<int> picked;
    if (uniform01(rng) < cfg.random_mask_share) {  // future rows anywhere but row 0
      std::iota(rows.begin(), rows.end(), 1);
      for (int i = 0; i < Fn; ++i) std::swap(rows[i], rows[i + int(rng() % uint64_t(T - 1 - i))]);
      picked.assign(rows.begin(), rows.begin() + Fn);
    } else {  // a suffix: the lab's shape
      for (int i = T - Fn; i < T; ++i) picked.push_back(i);
    }
    // A clean window keeps every future row free (drawn only when asked, so older runs replay).
    const bool clean = cfg.clean_share > 0 && uniform01(rng) < cfg.clean_share;
    for (int i : picked) {
      fu[b * T + i] = true;
      const double u = clean ? 1.0 : uniform01(rng);
      if (u < cfg.collapse_share) continue;  // collapsed: future, held, one-hot
      if (u < cfg.collapse_share + cfg.partial_share) {
        pa[b * T + i] = float(0.2 + 0.7 * uniform01(rng));
        continue;
      }
      fr[b * T + i] = true;
    }
  }
  return {future, free, partial};
}

// Mean of `v` over `m` (a float 0/1 mask); 0 when the mask is empty.
static torch::Tensor masked_mean(const torch::Tensor& v, const torch::Tensor& m) {
  return (v * m).sum() / m.sum().clamp_min(1.0);
}

int64_t shared_past_rows(const Network& net, const TrainConfig& cfg, const WindowLayout& layout) {
  if (cfg.iters < 2 || (net->is_training() && net->cfg.dropout > 0)) return 0;  // dropout redraws every pass
  auto any = layout.future.any(0).to(torch::kCPU).contiguous();           // [T] some window's future row
  const int64_t T = any.size(0);
  int64_t P0 = 0;
  while (P0 < T && !any.data_ptr<bool>()[P0]) ++P0;
  const MaskKind mask = parse_mask(net->cfg.mask, "checkpoint", true);
  return P0 == T || PastCache::cacheable_rows(net->cfg, mask, int(P0)) != P0 ? 0 : P0;
}

LossReport wfc_loss_backward(Network& net, const TrainConfig& cfg, const torch::Tensor& ids,
                             const WindowLayout& layout, const LossNorm& norm, bool reuse_past) {
  const auto dev = ids.device();
  const int64_t B = ids.size(0), T = ids.size(1), V = net->cfg.vocab_size, C = net->cfg.n_embd;
  const int K = cfg.iters, m = cfg.grad_iters;
  auto future = layout.future.to(dev), free = layout.free.to(dev), alpha = layout.partial.to(dev);
  auto soft = (free | (alpha > 0)).view({B * T});                         // [B*T] rows embedded as p @ E
  auto soft_idx = soft.nonzero().squeeze(1);                               // [S]
  auto pred_idx = soft_idx - 1;                                            // [S] row whose read-out feeds each soft row
  auto soft_free = free.view({B * T}).index_select(0, soft_idx).unsqueeze(1).to(torch::kFloat32);  // [S,1]
  auto a = alpha.view({B * T}).index_select(0, soft_idx).unsqueeze(1);     // [S,1]
  auto onehot = F::one_hot(ids.view({B * T}).index_select(0, soft_idx), V).to(torch::kFloat32);  // [S,V]
  auto ps = (1 - a) * (1.0f / float(V)) + a * onehot;                      // [S,V] uniform, or partial blends

  // Targets: row r predicts token r+1. Free rows are the future term, committed rows the past term.
  auto tgt = ids.narrow(1, 1, T - 1);                                      // [B,T-1]
  auto fut_w = free.narrow(1, 1, T - 1).to(torch::kFloat32);               // [B,T-1]
  auto past_w = future.narrow(1, 1, T - 1).logical_not().to(torch::kFloat32);  // [B,T-1]
  auto held = future & free.logical_not();                                 // [B,T] collapsed or partial rows
  auto allowed = net->attention_mask(future, held);                        // [B,1,T,T]

  std::vector<double> w(K);
  for (int k = 0; k < K; ++k)
    w[k] = cfg.iter_weights == "uniform" ? 1.0 : cfg.iter_weights == "linear" ? double(k + 1) : (k == K - 1);
  const double wsum = std::accumulate(w.begin(), w.end(), 0.0);

  LossReport rep;
  rep.future_targets = int64_t(fut_w.sum().item<double>());
  // Rows before P0 are committed in every window of the batch. Where the mask keeps committed rows
  // blind to the future (past_cache.h) and no dropout redraws them, their hidden states, keys and
  // values are the same in every iteration: run once and shared by all K, which then run only rows
  // [P0, T). The gradient is the full unroll's (the shared rows collect every iteration's share);
  // the iterations' losses are summed and back-propagated once, so the shared graph is walked once.
  const int64_t P0 = reuse_past ? shared_past_rows(net, cfg, layout) : 0;
  std::vector<torch::Tensor> past_k, past_v;
  torch::Tensor past_logits;                                               // [B,P0,V]
  if (P0 > 0) {
    auto mp = allowed.defined() ? allowed.narrow(2, 0, P0).narrow(3, 0, P0) : allowed;  // [B,1,P0,P0]
    past_logits = net->readout(net->stack_rows(net->embed_tokens(ids.narrow(1, 0, P0)), 0, {}, {}, mp, &past_k, &past_v));
  }
  torch::Tensor total;  // with shared rows: every iteration's loss, back-propagated once
  torch::Tensor chain;  // summed loss of the last m iterations, back-propagated together
  for (int k = 0; k < K; ++k) {
    const bool own_graph = k < K - m;  // feedback into this iteration is detached
    auto ps_in = own_graph || k == K - m ? ps.detach() : ps;
    auto base = net->embed_tokens(ids).view({B * T, C});                   // [B*T,C] one-hot rows, looked up
    // (looked up again every iteration: an iteration with its own graph frees it on backward)
    auto x = base.index_copy(0, soft_idx, torch::matmul(ps_in, net->wte->weight)).view({B, T, C});  // [B,T,C]
    x = net->mark_held(x, held);                                           // [B,T,C]
    torch::Tensor logits;                                                  // [B,T,V]
    if (P0 > 0) {
      auto h = net->stack_rows(x.narrow(1, P0, T - P0), P0, past_k, past_v,
                               allowed.defined() ? allowed.narrow(2, P0, T - P0) : allowed);  // [B,T-P0,C]
      logits = torch::cat({past_logits, net->readout(h)}, 1);
    } else {
      logits = net->readout(net->stack(x, allowed));
    }
    auto ce = F::cross_entropy(logits.narrow(1, 0, T - 1).reshape({B * (T - 1), V}), tgt.reshape({-1}),
                               F::CrossEntropyFuncOptions().reduction(torch::kNone)).view({B, T - 1});  // [B,T-1]
    auto lf = norm.future_rows > 0 ? (ce * fut_w).sum() / norm.future_rows : masked_mean(ce, fut_w);
    auto lp = norm.past_rows > 0 ? (ce * past_w).sum() / norm.past_rows : masked_mean(ce, past_w);
    auto loss = (lf + cfg.past_weight * lp) * (w[k] / wsum);
    rep.future_loss.push_back(lf.item<double>());
    rep.past_loss.push_back(lp.item<double>());
    rep.loss += loss.item<double>();
    if (k + 1 < K) {  // feed the shifted read-out back into the free rows
      auto q = torch::softmax(logits.view({B * T, V}).index_select(0, pred_idx), -1);  // [S,V]
      ps = ps_in + soft_free * (cfg.eta * (q - ps_in));                    // [S,V]
    }
    if (own_graph) {
      if (P0 > 0) total = total.defined() ? total + loss : loss;
      else if (w[k] > 0) loss.backward();
      ps = ps.detach();
    } else {
      chain = chain.defined() ? chain + loss : loss;
    }
  }
  (total.defined() ? total + chain : chain).backward();
  return rep;
}

LossReport ar_loss_backward(Network& net, const torch::Tensor& ids, double scale) {
  const int64_t B = ids.size(0), T = ids.size(1), V = net->cfg.vocab_size;
  auto none = torch::zeros({B, T}, torch::TensorOptions().dtype(torch::kBool).device(ids.device()));
  auto h = net->stack(net->embed_tokens(ids), net->attention_mask(none, mask_name(MaskKind::Causal)));  // [B,T,C]
  auto logits = net->readout(h).narrow(1, 0, T - 1);                     // [B,T-1,V]
  auto loss = F::cross_entropy(logits.reshape({-1, V}), ids.narrow(1, 1, T - 1).reshape({-1})) * scale;
  loss.backward();
  LossReport rep;
  rep.loss = loss.item<double>();
  rep.future_loss = {rep.loss};
  rep.future_targets = B * (T - 1);
  return rep;
}

}  // namespace wfc
