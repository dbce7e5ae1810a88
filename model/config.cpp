#include "model/config.h"

#include "model/engine_config.h"
#include "model/errors.h"
#include "model/json_io.h"

namespace wfc {

using num::IntRange;
using num::FloatRange;

// Every field once, with its allowed range: JSON reads, validate() and the error texts use it.
// The upper bounds keep a corrupt checkpoint from asking for terabytes before shapes are checked;
// kMaxParams below bounds their product.
template <class C, class F>
static void visit(C& c, F&& f) {
  f("vocab_size", c.vocab_size, IntRange{2, 1'000'000});
  f("block_size", c.block_size, IntRange{2, 65'536});
  f("n_layer", c.n_layer, IntRange{1, 256});
  f("n_head", c.n_head, IntRange{1, 256});
  f("n_embd", c.n_embd, IntRange{1, 16'384});
  f("pos", c.pos, AnyValue{});
  f("rope_base", c.rope_base, num::above(1));
  f("mask", c.mask, AnyValue{});
  f("lookahead", c.lookahead, IntRange{0, 65'536});
  f("readout", c.readout, AnyValue{});
  f("dropout", c.dropout, FloatRange{0, 1, false, true});
  f("held_embedding", c.held_embedding, AnyValue{});
}

// 4e9 F32 parameters are 16 GB: far beyond what this lab trains or runs, far below a terabyte.
constexpr int64_t kMaxParams = 4'000'000'000;

MaskKind parse_mask(const std::string& name, const std::string& what, bool model_only) {
  for (const auto& m : kMasks)
    if (name == m.name && !(model_only && m.kind == MaskKind::Checkpoint)) return m.kind;
  throw InputError(what + ": unknown mask '" + name + "' (one of: " + mask_names(model_only, ", ") + ")");
}

// Each message starts with the setting's flag name, so the command line prefixes "option --".
void EngineConfig::validate() const {
  if (stop_on != "kl" && stop_on != "update")
    throw InputError("stop-on: expected kl or update, got '" + stop_on + "'");
  num::check_float(eta, "eta", {0, 1, true, false});
  num::check_int(future, "future", {1, 65'535});  // and below the checkpoint's window
  num::check_int(max_iters, "max-iters", {1, 1'000'000});
  num::check_float(tol, "tol", num::at_least(0));  // 0 never converges: scripts step with it
  num::check_float(temperature, "temperature", num::above(0));
  num::check_int(sample_top_k, "top-k", {0, INT32_MAX});
  num::check_float(sample_top_p, "top-p", {0, 1, true, false});
}

void ModelConfig::validate() const {
  auto fail = [](const std::string& m) { throw InputError("model config: " + m); };
  visit(*this, [&](const char* k, const auto& v, const auto& range) {
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) num::check_int(v, std::string("model config: ") + k, range);
    else if constexpr (std::is_floating_point_v<V>) num::check_float(v, std::string("model config: ") + k, range);
  });
  if (n_embd % n_head != 0) fail("n_embd (" + std::to_string(n_embd) + ") must divide by n_head (" +
                                 std::to_string(n_head) + ")");
  if (pos != "rotary" && pos != "learned") fail("pos must be rotary or learned, not '" + pos + "'");
  if (pos == "rotary" && (n_embd / n_head) % 2 != 0) fail("rotary positions need an even head size");
  parse_mask(mask, "model config: mask", /*model_only=*/true);
  if (readout != "shifted" && readout != "same") fail("readout must be shifted or same, not '" + readout + "'");
  if (param_count() > kMaxParams)
    fail(std::to_string(param_count()) + " parameters is more than this lab allows (" + std::to_string(kMaxParams) +
         ", 16 GB of F32)");
}

int64_t ModelConfig::param_count() const {
  const int64_t C = n_embd, V = vocab_size, T = block_size;
  const int64_t block = 2 * C                  // ln_1
                        + 3 * C * C + 3 * C    // attn.c_attn
                        + C * C + C            // attn.c_proj
                        + 2 * C                // ln_2
                        + 4 * C * C + 4 * C    // mlp.c_fc
                        + 4 * C * C + C;       // mlp.c_proj
  return V * C + (pos == "learned" ? T * C : 0) + n_layer * block + 2 * C + (held_embedding ? C : 0);
}

void to_json(nlohmann::json& j, const ModelConfig& c) {
  j = nlohmann::json::object();
  visit(c, [&](const char* k, const auto& v, const auto&) { j[k] = v; });
}

void from_json(const nlohmann::json& j, ModelConfig& c) {
  if (!j.is_object()) throw InputError("model config: expected a JSON object");
  ModelConfig d;
  nlohmann::json known;
  to_json(known, d);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.contains(it.key())) throw InputError("model config: unknown field '" + it.key() + "'");
  c = d;  // missing fields keep their defaults (older checkpoints)
  visit(c, [&](const char* k, auto& v, const auto& range) {
    if (j.contains(k)) json_get(j.at(k), std::string("model config: ") + k, v, range);
  });
}

}  // namespace wfc
