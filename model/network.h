// The WFC network: soft embedding of probability rows, a stack of pre-norm transformer blocks
// (non-causal unless a mask says otherwise), and a read-out tied to the embedding.
// The refinement engine applies the whole stack once per iteration; see engine.h.
#pragma once
#include <torch/torch.h>

#include "model/config.h"

namespace wfc {

struct BlockImpl : torch::nn::Module {
  BlockImpl(const ModelConfig& cfg);
  // x [B,T,C]; allowed: bool [T,T] or [B,1,T,T] (true = may attend) or undefined for full attention
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& allowed, const torch::Tensor& cos,
                        const torch::Tensor& sin);
  // The same for n new rows after P rows given by their keys and values: x [B,n,C];
  // past_k/past_v [B,H,P,D] with rotary applied (undefined when P = 0); allowed [B,1,n,P+n] or
  // undefined; cos/sin [n,D/2] at the new rows' positions. The new rows' keys and values
  // [B,H,n,D] go to *k_new / *v_new when given. forward() is this with P = 0.
  torch::Tensor forward_kv(torch::Tensor x, const torch::Tensor& past_k, const torch::Tensor& past_v,
                           const torch::Tensor& allowed, const torch::Tensor& cos, const torch::Tensor& sin,
                           torch::Tensor* k_new = nullptr, torch::Tensor* v_new = nullptr);

  int n_head, n_embd;
  bool rotary;
  double dropout;
  torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
  torch::nn::Linear c_attn{nullptr}, attn_proj{nullptr}, c_fc{nullptr}, mlp_proj{nullptr};
};
TORCH_MODULE(Block);

struct NetworkImpl : torch::nn::Module {
  explicit NetworkImpl(const ModelConfig& cfg);

  // probs [B,T,V] -> x [B,T,C]: the soft embedding probs @ E (+ learned positions)
  torch::Tensor embed(const torch::Tensor& probs);
  // ids [B,T] -> x [B,T,C]: the same as embed(one_hot(ids)), without the V-wide matmul
  torch::Tensor embed_tokens(const torch::Tensor& ids);
  // x [B,T,C] + the held embedding on rows where held [B,T] (bool) is true; x itself when the
  // model has none or held is undefined.
  torch::Tensor mark_held(const torch::Tensor& x, const torch::Tensor& held) const;
  // x [B,T,C] -> f(x) [B,T,C]: every block once. One refinement iteration's update is f(x) - x.
  torch::Tensor stack(torch::Tensor x, const torch::Tensor& allowed);
  // Every block on rows [start, start+n) of a window whose rows [0, start) are given by their
  // per-block keys and values (past_k/past_v: one [B,H,start,D] per block, empty when start = 0):
  // x [B,n,C] -> [B,n,C]; allowed [B,1,n,start+n] or undefined. Appends each block's new keys and
  // values [B,H,n,D] to *k_new / *v_new when given. stack() is this with start = 0.
  torch::Tensor stack_rows(torch::Tensor x, int64_t start, const std::vector<torch::Tensor>& past_k,
                           const std::vector<torch::Tensor>& past_v, const torch::Tensor& allowed,
                           std::vector<torch::Tensor>* k_new = nullptr, std::vector<torch::Tensor>* v_new = nullptr);
  // x [B,T,C] -> logits [B,T,V]: LN_f(x) @ E^T
  torch::Tensor readout(const torch::Tensor& x);

  // The attention mask for this config: bool [B,1,T,T], true = may attend, or undefined for "none".
  // future [B,T] bool marks rows that are not (yet) committed tokens (the block and held masks use
  // it); held [B,T] bool, optional, marks future rows set from outside (collapsed, partial, pinned),
  // which the held mask lets every future row see.
  torch::Tensor attention_mask(const torch::Tensor& future, const torch::Tensor& held = {}) const;
  // Same, forcing a mask kind ("causal" for the autoregressive baseline).
  torch::Tensor attention_mask(const torch::Tensor& future, const std::string& kind,
                               const torch::Tensor& held = {}) const;

  ModelConfig cfg;
  torch::nn::Embedding wte{nullptr};  // E [V,C], tied to the read-out
  torch::nn::Embedding wpe{nullptr};  // [T,C], only when cfg.pos == "learned"
  torch::Tensor held_emb;             // [C], only when cfg.held_embedding
  torch::nn::ModuleList h{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};

 private:
  void rotary_tables(int64_t T, const torch::Device& dev, torch::Tensor& cos, torch::Tensor& sin);
  torch::Tensor cos_, sin_;  // cached rotary tables [T, D/2]
};
TORCH_MODULE(Network);

}  // namespace wfc
