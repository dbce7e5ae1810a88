#include "model/ar_decode.h"

#include <chrono>

#include "model/engine_config.h"
#include "model/errors.h"

namespace wfc {

ArDecodeStats ar_decode(Network& net, const std::vector<int>& prompt, int n_tokens, const TokenPicker& pick,
                        const std::function<void(int)>& on_token) {
  torch::NoGradGuard ng;  // not InferenceMode: the network caches rotary tables a training pass reuses
  if (prompt.empty()) throw InputError("ar_decode: the prompt must hold at least one token");
  for (int t : prompt)
    if (t < 0 || t >= net->cfg.vocab_size) throw InputError("ar_decode: prompt token " + std::to_string(t) + " is outside the vocabulary");
  const auto t0 = std::chrono::steady_clock::now();
  const int T = net->cfg.block_size;
  const auto dev = net->wte->weight.device();
  ArDecodeStats s;
  std::vector<int> ctx(prompt.end() - std::min<size_t>(prompt.size(), size_t(T - 1)), prompt.end());
  // Keys and values live in window-sized buffers per block [1,H,T,D] (rotary applied); a step writes
  // its row in place and attends to a view of the filled part, so no step copies the cache.
  std::vector<torch::Tensor> Kbuf, Vbuf, K, V;
  torch::Tensor h_last;             // [C] final hidden state of the last context row
  auto prefill = [&] {
    auto ids = torch::tensor(std::vector<int64_t>(ctx.begin(), ctx.end()), torch::kLong).to(dev).unsqueeze(0);  // [1,n]
    auto none = torch::zeros_like(ids, torch::kBool);
    std::vector<torch::Tensor> k, v;
    auto h = net->stack_rows(net->embed_tokens(ids), 0, {}, {}, net->attention_mask(none, mask_name(MaskKind::Causal)),
                             &k, &v);  // [1,n,C]
    const int64_t n = ids.size(1);
    if (Kbuf.empty())
      for (size_t l = 0; l < k.size(); ++l) {
        auto shape = k[l].sizes().vec();
        shape[2] = T;
        Kbuf.push_back(torch::empty(shape, k[l].options()));  // [1,H,T,D]
        Vbuf.push_back(torch::empty(shape, v[l].options()));
      }
    K.clear();
    V.clear();
    for (size_t l = 0; l < k.size(); ++l) {
      Kbuf[l].narrow(2, 0, n).copy_(k[l]);
      Vbuf[l].narrow(2, 0, n).copy_(v[l]);
      K.push_back(Kbuf[l].narrow(2, 0, n));  // [1,H,n,D]
      V.push_back(Vbuf[l].narrow(2, 0, n));
    }
    h_last = h[0][n - 1];
    ++s.prefills;
  };
  prefill();
  for (int i = 0; i < n_tokens; ++i) {
    auto logits = net->readout(h_last.unsqueeze(0));  // [1,V]
    int t;
    if (pick) {
      auto probs = torch::softmax(logits, -1).to(torch::kCPU).contiguous();  // [1,V]
      t = pick(probs.data_ptr<float>(), int(probs.size(1)));
    } else {
      t = int(logits.argmax(-1).item<int64_t>());
    }
    s.tokens.push_back(t);
    if (on_token) on_token(t);
    if (i + 1 == n_tokens) break;
    ctx.push_back(t);
    if (int(ctx.size()) > T) {
      ctx.erase(ctx.begin(), ctx.end() - T / 2);
      prefill();
      continue;
    }
    const int64_t pos = int64_t(ctx.size()) - 1;
    auto x = net->wte->weight[t].view({1, 1, -1});  // [1,1,C]
    if (net->wpe) x = x + net->wpe->weight[pos].view({1, 1, -1});
    std::vector<torch::Tensor> k, v;
    auto h = net->stack_rows(x, pos, K, V, {}, &k, &v);  // [1,1,C]: the new row sees every cached row
    for (size_t l = 0; l < K.size(); ++l) {
      Kbuf[l].narrow(2, pos, 1).copy_(k[l]);
      Vbuf[l].narrow(2, pos, 1).copy_(v[l]);
      K[l] = Kbuf[l].narrow(2, 0, pos + 1);  // [1,H,pos+1,D]
      V[l] = Vbuf[l].narrow(2, 0, pos + 1);
    }
    h_last = h[0][0];
  }
  s.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace wfc
