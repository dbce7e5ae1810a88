// Every difference between LibTorch 1.13 (Debian) and 2.x (CUDA builds) lives here.
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#if TORCH_VERSION_MAJOR >= 2
#define WFC_HAS_SDPA 1
#else
#define WFC_HAS_SDPA 0
#endif

namespace wfc::compat {

// Attention over q,k,v [B,H,T,D]. `allowed` is a bool [T,T] mask where true means "may attend"
// (SDPA's convention), or undefined for full attention. 2.x uses the fused kernel; 1.13 has no
// public one, so it gets the textbook matmul/softmax.
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& allowed) {
#if WFC_HAS_SDPA
  c10::optional<torch::Tensor> mask = c10::nullopt;
  if (allowed.defined()) mask = allowed;
  return at::scaled_dot_product_attention(q, k, v, mask);
#else
  auto att = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(-1)));  // [B,H,T,T]
  if (allowed.defined()) att = att.masked_fill(allowed.logical_not(), -INFINITY);
  return torch::matmul(torch::softmax(att, -1), v);  // [B,H,T,D]
#endif
}

// bf16 autocast for a scope on CUDA; a no-op on the CPU (and when off). 2.4 renamed the switches
// to per-device ones; the old names still exist there but warn.
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& dev, bool bf16) : on_(bf16 && dev.is_cuda()) {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
  }
  ~AutocastGuard() {
    if (!on_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
    at::autocast::set_enabled(false);
#endif
    at::autocast::clear_cache();
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool on_;
};

inline const char* torch_version() {
  return TORCH_VERSION;
}

}  // namespace wfc::compat
