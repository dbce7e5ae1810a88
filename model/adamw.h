// AdamW written out, so that its state is plain named tensors: it is saved beside the checkpoint
// and restored bit for bit by --resume. Decay is decoupled and applied to matrices only.
#pragma once
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace wfc {

class AdamW {
 public:
  AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, float beta1, float beta2,
        float weight_decay, float eps = 1e-8f);
  void step(double lr);
  void zero_grad();
  // Global grad norm before clipping; clips in place when max_norm > 0.
  double clip_grad_norm(double max_norm);

  std::map<std::string, torch::Tensor> state() const;  // "exp_avg.NAME", "exp_avg_sq.NAME" (CPU)
  void load_state(const std::map<std::string, torch::Tensor>& s, int64_t t);  // throws InputError
  int64_t t() const { return t_; }

 private:
  std::vector<std::pair<std::string, torch::Tensor>> params_;
  std::vector<torch::Tensor> m_, v_;
  float b1_, b2_, wd_, eps_;
  int64_t t_ = 0;
};

}  // namespace wfc
