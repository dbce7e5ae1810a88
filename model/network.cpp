#include "model/network.h"

#include "model/engine_config.h"

#include "model/torch_compat.h"

namespace wfc {

namespace F = torch::nn::functional;

// Rotate pairs (x1, x2) = the two halves of each head by position-dependent angles (NeoX layout).
static torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                                  const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);  // [B,H,T,D/2] each
  return torch::cat({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1);  // [B,H,T,D]
}

// A linear layer. For a single row (an autoregressive decode step) it is a matrix-vector product:
// through sgemm, OpenBLAS packs the whole weight for one row, which was most of a decode step's time
// (perf: sgemm_incopy 27 %, the kernel 19 %); sgemv reads the weight once.
static torch::Tensor linear(torch::nn::Linear& lin, const torch::Tensor& x) {
  if (x.numel() != x.size(-1)) return lin(x);
  auto row = x.reshape({-1});                                                         // [in]
  auto y = lin->bias.defined() ? torch::addmv(lin->bias, lin->weight, row) : torch::mv(lin->weight, row);  // [out]
  auto shape = x.sizes().vec();
  shape.back() = y.size(0);
  return y.view(shape);                                                               // [...,1,out]
}

BlockImpl::BlockImpl(const ModelConfig& cfg)
    : n_head(cfg.n_head), n_embd(cfg.n_embd), rotary(cfg.pos == "rotary"), dropout(cfg.dropout) {
  const int64_t C = cfg.n_embd;
  ln_1 = register_module("ln_1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C})));
  c_attn = register_module("attn_qkv", torch::nn::Linear(C, 3 * C));
  attn_proj = register_module("attn_proj", torch::nn::Linear(C, C));
  ln_2 = register_module("ln_2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({C})));
  c_fc = register_module("mlp_fc", torch::nn::Linear(C, 4 * C));
  mlp_proj = register_module("mlp_proj", torch::nn::Linear(4 * C, C));
}

torch::Tensor BlockImpl::forward(torch::Tensor x, const torch::Tensor& allowed,
                                 const torch::Tensor& cos, const torch::Tensor& sin) {
  return forward_kv(std::move(x), {}, {}, allowed, cos, sin);
}

torch::Tensor BlockImpl::forward_kv(torch::Tensor x, const torch::Tensor& past_k, const torch::Tensor& past_v,
                                    const torch::Tensor& allowed, const torch::Tensor& cos, const torch::Tensor& sin,
                                    torch::Tensor* k_new, torch::Tensor* v_new) {
  const int64_t B = x.size(0), T = x.size(1), C = x.size(2), H = n_head, D = C / H;
  auto qkv = linear(c_attn, ln_1(x)).split(C, -1);            // 3 x [B,T,C]
  auto q = qkv[0].view({B, T, H, D}).transpose(1, 2);          // [B,H,T,D]
  auto k = qkv[1].view({B, T, H, D}).transpose(1, 2);          // [B,H,T,D]
  auto v = qkv[2].view({B, T, H, D}).transpose(1, 2);          // [B,H,T,D]
  if (rotary) {
    q = apply_rotary(q, cos, sin);
    k = apply_rotary(k, cos, sin);
  }
  if (k_new) *k_new = k;
  if (v_new) *v_new = v;
  if (past_k.defined()) {
    k = torch::cat({past_k, k}, 2);                             // [B,H,P+T,D]
    v = torch::cat({past_v, v}, 2);                             // [B,H,P+T,D]
  }
  auto y = compat::attention(q, k, v, allowed);                 // [B,H,T,D]
  y = y.transpose(1, 2).contiguous().view({B, T, C});          // [B,T,C]
  x = x + F::dropout(linear(attn_proj, y), F::DropoutFuncOptions().p(dropout).training(is_training()));
  auto m = linear(mlp_proj, F::gelu(linear(c_fc, ln_2(x))));    // [B,T,C]
  return x + F::dropout(m, F::DropoutFuncOptions().p(dropout).training(is_training()));
}

NetworkImpl::NetworkImpl(const ModelConfig& c) : cfg(c) {
  cfg.validate();
  wte = register_module("wte", torch::nn::Embedding(cfg.vocab_size, cfg.n_embd));
  if (cfg.pos == "learned") wpe = register_module("wpe", torch::nn::Embedding(cfg.block_size, cfg.n_embd));
  if (cfg.held_embedding) held_emb = register_parameter("held_emb", torch::zeros({cfg.n_embd}));
  h = register_module("h", torch::nn::ModuleList());
  for (int i = 0; i < cfg.n_layer; ++i) h->push_back(Block(cfg));
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.n_embd})));
  // GPT-2 initialisation; residual projections scaled by depth.
  torch::NoGradGuard ng;
  for (auto& p : named_parameters()) {
    const auto& name = p.key();
    auto& t = p.value();
    if (name.find("ln_") != std::string::npos) continue;  // LayerNorm keeps 1 / 0
    if (t.dim() == 1) t.zero_();
    else if (name.find("_proj") != std::string::npos) t.normal_(0.0, 0.02 / std::sqrt(2.0 * cfg.n_layer));
    else t.normal_(0.0, 0.02);
  }
}

torch::Tensor NetworkImpl::embed(const torch::Tensor& probs) {
  auto x = torch::matmul(probs, wte->weight);  // [B,T,V] @ [V,C] -> [B,T,C]
  if (wpe) x = x + wpe->weight.narrow(0, 0, probs.size(1));  // + [T,C]
  return x;
}

torch::Tensor NetworkImpl::embed_tokens(const torch::Tensor& ids) {
  auto x = wte(ids);  // [B,T,C]
  if (wpe) x = x + wpe->weight.narrow(0, 0, ids.size(1));
  return x;
}

torch::Tensor NetworkImpl::mark_held(const torch::Tensor& x, const torch::Tensor& held) const {
  if (!held_emb.defined() || !held.defined()) return x;
  return x + held.to(x.dtype()).unsqueeze(-1) * held_emb;  // [B,T,C] + [B,T,1] * [C]
}

void NetworkImpl::rotary_tables(int64_t T, const torch::Device& dev, torch::Tensor& cos,
                                torch::Tensor& sin) {
  const int64_t D = cfg.n_embd / cfg.n_head;
  if (!cos_.defined() || cos_.size(0) < T || cos_.device() != dev) {
    const int64_t n = std::max<int64_t>(T, cfg.block_size);
    auto inv = torch::pow(double(cfg.rope_base),
                          -torch::arange(0, D / 2, torch::kFloat64) * 2.0 / double(D));  // [D/2]
    auto ang = torch::outer(torch::arange(n, torch::kFloat64), inv);                     // [n,D/2]
    cos_ = ang.cos().to(torch::kFloat32).to(dev);
    sin_ = ang.sin().to(torch::kFloat32).to(dev);
  }
  cos = cos_.narrow(0, 0, T);
  sin = sin_.narrow(0, 0, T);
}

torch::Tensor NetworkImpl::stack(torch::Tensor x, const torch::Tensor& allowed) {
  return stack_rows(std::move(x), 0, {}, {}, allowed);
}

torch::Tensor NetworkImpl::stack_rows(torch::Tensor x, int64_t start, const std::vector<torch::Tensor>& past_k,
                                      const std::vector<torch::Tensor>& past_v, const torch::Tensor& allowed,
                                      std::vector<torch::Tensor>* k_new, std::vector<torch::Tensor>* v_new) {
  const int64_t n = x.size(1);
  torch::Tensor cos, sin;
  if (cfg.pos == "rotary") {
    rotary_tables(start + n, x.device(), cos, sin);
    cos = cos.narrow(0, start, n).to(x.dtype());              // [n,D/2] at positions start..start+n-1
    sin = sin.narrow(0, start, n).to(x.dtype());
  }
  const bool cached = start > 0;
  if (cached && (past_k.size() != h->size() || past_v.size() != h->size()))
    throw std::logic_error("stack_rows: one cached key/value pair per block is needed");
  for (size_t l = 0; l < h->size(); ++l) {
    torch::Tensor k, v;
    x = h->ptr(l)->as<Block>()->forward_kv(x, cached ? past_k[l] : torch::Tensor(), cached ? past_v[l] : torch::Tensor(),
                                           allowed, cos, sin, k_new ? &k : nullptr, v_new ? &v : nullptr);  // [B,n,C]
    if (k_new) k_new->push_back(k);
    if (v_new) v_new->push_back(v);
  }
  return x;
}

torch::Tensor NetworkImpl::readout(const torch::Tensor& x) {
  if (x.numel() == x.size(-1)) {  // one row: sgemv, as in linear() above
    auto shape = x.sizes().vec();
    shape.back() = wte->weight.size(0);
    return torch::mv(wte->weight, ln_f(x).reshape({-1})).view(shape);  // [V,C] @ [C] -> [...,V]
  }
  return torch::matmul(ln_f(x), wte->weight.t());  // [B,T,C] @ [C,V] -> [B,T,V]
}

torch::Tensor NetworkImpl::attention_mask(const torch::Tensor& future, const torch::Tensor& held) const {
  return attention_mask(future, cfg.mask, held);
}

torch::Tensor NetworkImpl::attention_mask(const torch::Tensor& future, const std::string& name,
                                          const torch::Tensor& held) const {
  const MaskKind kind = parse_mask(name, "attention mask", /*model_only=*/true);  // never a silent block
  if (kind == MaskKind::None) return {};
  const int64_t T = future.size(1);
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(future.device());
  auto i = torch::arange(T, opts).unsqueeze(1);  // [T,1] query row
  auto j = torch::arange(T, opts).unsqueeze(0);  // [1,T] key row
  torch::Tensor allowed;
  if (kind == MaskKind::Causal) {
    allowed = (j <= i).unsqueeze(0).expand({future.size(0), T, T});
  } else if (kind == MaskKind::Lookahead) {
    allowed = (j <= i + cfg.lookahead).unsqueeze(0).expand({future.size(0), T, T});
  } else if (kind == MaskKind::Held) {
    // Causal, except that a future row also sees the held rows to its right. A free row to the
    // right holds only the model's own guess; a held row holds what was chosen, so a collapse
    // still pulls the rows before it (docs/experiments.md section 6).
    allowed = (j <= i).unsqueeze(0).expand({future.size(0), T, T});
    if (held.defined()) {
      auto f = future.to(torch::kBool), k = held.to(torch::kBool) & f;
      allowed = allowed | (f.unsqueeze(2) & k.unsqueeze(1));  // [B,T,T]
    }
  } else {  // MaskKind::Block: causal, except that uncommitted rows see each other both ways
    auto f = future.to(torch::kBool);
    allowed = (j <= i).unsqueeze(0) | (f.unsqueeze(2) & f.unsqueeze(1));  // [B,T,T]
  }
  return allowed.unsqueeze(1);  // [B,1,T,T]
}

}  // namespace wfc
