#include "model/adamw.h"

#include <cmath>

#include "model/errors.h"

namespace wfc {

AdamW::AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, float beta1, float beta2,
             float weight_decay, float eps)
    : params_(std::move(params)), b1_(beta1), b2_(beta2), wd_(weight_decay), eps_(eps) {
  for (auto& [n, p] : params_) {
    m_.push_back(torch::zeros_like(p));
    v_.push_back(torch::zeros_like(p));
  }
}

void AdamW::zero_grad() {
  for (auto& [n, p] : params_)
    if (p.grad().defined()) p.mutable_grad().zero_();
}

double AdamW::clip_grad_norm(double max_norm) {
  torch::NoGradGuard ng;
  auto total = torch::zeros({}, params_.front().second.options());
  for (auto& [n, p] : params_)
    if (p.grad().defined()) total = total + p.grad().pow(2).sum();
  const double norm = std::sqrt(total.item<double>());
  if (max_norm > 0 && norm > max_norm) {
    const double scale = max_norm / (norm + 1e-6);
    for (auto& [n, p] : params_)
      if (p.grad().defined()) p.mutable_grad().mul_(scale);
  }
  return norm;
}

void AdamW::step(double lr) {
  torch::NoGradGuard ng;
  ++t_;
  const double bc1 = 1.0 - std::pow(double(b1_), double(t_)), bc2 = 1.0 - std::pow(double(b2_), double(t_));
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i].second;
    if (!p.grad().defined()) continue;
    const auto& g = p.grad();
    if (p.dim() >= 2 && wd_ > 0) p.mul_(1.0 - lr * wd_);
    m_[i].mul_(b1_).add_(g, 1.0 - b1_);
    v_[i].mul_(b2_).addcmul_(g, g, 1.0 - b2_);
    auto denom = (v_[i] / bc2).sqrt_().add_(eps_);
    p.addcdiv_(m_[i], denom, -lr / bc1);
  }
}

std::map<std::string, torch::Tensor> AdamW::state() const {
  std::map<std::string, torch::Tensor> s;
  for (size_t i = 0; i < params_.size(); ++i) {
    s["exp_avg." + params_[i].first] = m_[i].to(torch::kCPU);
    s["exp_avg_sq." + params_[i].first] = v_[i].to(torch::kCPU);
  }
  return s;
}

void AdamW::load_state(const std::map<std::string, torch::Tensor>& s, int64_t t) {
  torch::NoGradGuard ng;
  for (size_t i = 0; i < params_.size(); ++i)
    for (auto* pair : {&m_, &v_}) {
      const std::string key = (pair == &m_ ? "exp_avg." : "exp_avg_sq.") + params_[i].first;
      auto it = s.find(key);
      if (it == s.end()) throw InputError("optimizer state: missing '" + key + "'");
      if (it->second.sizes() != params_[i].second.sizes()) throw InputError("optimizer state: '" + key + "' has the wrong shape");
      (*pair)[i].copy_(it->second);
    }
  t_ = t;
}

}  // namespace wfc
