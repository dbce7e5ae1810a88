// Drawing a token from a row's distribution, and comparing two distributions: the two places where
// float32 probabilities meet extreme exponents, so both are tested against exact numbers.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <random>

namespace wfc {

// A token id drawn from probabilities pr[0..V) at temperature T: weights p^(1/T), then the top_k
// most likely (0: all), then the smallest prefix whose mass reaches top_p. Computed in log space,
// (log p - max log p) / T, so a small T sharpens towards the arg-max instead of underflowing every
// weight to zero (which drew the least likely token). Rows with no positive probability give 0.
int sample_token(const float* pr, int V, double temperature, int top_k, double top_p, std::mt19937_64& rng);

// KL(q || p) in nats of each row: q, p [n,V] probabilities (float32) -> [n] float32. Computed in
// float64 and in the generalised form sum q log(q/p) - q + p, whose every term is >= 0: the rounding
// floor of a difference of float32 logs (about 1e-6, the tolerance slider's minimum) becomes ~1e-15,
// and a row whose float32 sum is not exactly 1 adds no first-order error.
torch::Tensor kl_rows(const torch::Tensor& q, const torch::Tensor& p);

}  // namespace wfc
