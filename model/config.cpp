#include "model/config.h"

#include "model/engine_config.h"
#include "model/errors.h"

namespace wfc {

MaskKind parse_mask(const std::string& name, const std::string& what, bool model_only) {
  for (const auto& m : kMasks)
    if (name == m.name && !(model_only && m.kind == MaskKind::Checkpoint)) return m.kind;
  throw InputError(what + ": unknown mask '" + name + "' (one of: " + mask_names(model_only, ", ") + ")");
}

void EngineConfig::validate() const {
  auto fail = [](const std::string& m) { throw InputError("engine: " + m); };
  if (stop_on != "kl" && stop_on != "update") fail("stop_on must be kl or update, not '" + stop_on + "'");
  if (!(eta > 0 && eta <= 1)) fail("eta must be in (0, 1]");
  if (future < 1) fail("future must be at least 1");
  if (max_iters < 1) fail("max_iters must be at least 1");
  if (!(tol >= 0)) fail("tol must be >= 0");
  if (!(temperature > 0)) fail("temperature must be > 0");
  if (sample_top_k < 0) fail("sample_top_k must be >= 0");
  if (!(sample_top_p > 0 && sample_top_p <= 1)) fail("sample_top_p must be in (0, 1]");
}

void ModelConfig::validate() const {
  auto fail = [](const std::string& m) { throw InputError("model config: " + m); };
  // Upper bounds keep a corrupt checkpoint from asking for terabytes before shapes are checked.
  if (vocab_size < 2 || vocab_size > 1'000'000) fail("vocab_size must be in [2, 1000000]");
  if (block_size < 2 || block_size > 65'536) fail("block_size must be in [2, 65536]");
  if (n_layer < 1 || n_layer > 256) fail("n_layer must be in [1, 256]");
  if (n_head < 1 || n_head > 256) fail("n_head must be in [1, 256]");
  if (n_embd < 1 || n_embd > 16'384) fail("n_embd must be in [1, 16384]");
  if (n_embd % n_head != 0) fail("n_embd (" + std::to_string(n_embd) + ") must divide by n_head (" +
                                 std::to_string(n_head) + ")");
  if (pos != "rotary" && pos != "learned") fail("pos must be rotary or learned, not '" + pos + "'");
  if (pos == "rotary" && (n_embd / n_head) % 2 != 0) fail("rotary positions need an even head size");
  parse_mask(mask, "model config: mask", /*model_only=*/true);
  if (lookahead < 0) fail("lookahead must be >= 0");
  if (readout != "shifted" && readout != "same") fail("readout must be shifted or same, not '" + readout + "'");
  if (!(dropout >= 0.0f && dropout < 1.0f)) fail("dropout must be in [0, 1)");
  if (!(rope_base > 1.0f)) fail("rope_base must be > 1");
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
  j = {{"vocab_size", c.vocab_size}, {"block_size", c.block_size}, {"n_layer", c.n_layer},
       {"n_head", c.n_head},         {"n_embd", c.n_embd},         {"pos", c.pos},
       {"rope_base", c.rope_base},   {"mask", c.mask},             {"lookahead", c.lookahead},
       {"readout", c.readout},       {"dropout", c.dropout},       {"held_embedding", c.held_embedding}};
}

void from_json(const nlohmann::json& j, ModelConfig& c) {
  if (!j.is_object()) throw InputError("model config: expected a JSON object");
  ModelConfig d;
  nlohmann::json known;
  to_json(known, d);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.contains(it.key())) throw InputError("model config: unknown field '" + it.key() + "'");
  auto get = [&](const char* k, auto& field) {
    if (!j.contains(k)) return;  // missing fields keep their defaults (older checkpoints)
    try {
      j.at(k).get_to(field);
    } catch (const nlohmann::json::exception&) {
      throw InputError(std::string("model config: field '") + k + "' has the wrong type");
    }
  };
  c = d;
  get("vocab_size", c.vocab_size); get("block_size", c.block_size); get("n_layer", c.n_layer);
  get("n_head", c.n_head);         get("n_embd", c.n_embd);         get("pos", c.pos);
  get("rope_base", c.rope_base);   get("mask", c.mask);             get("lookahead", c.lookahead);
  get("readout", c.readout);       get("dropout", c.dropout);       get("held_embedding", c.held_embedding);
}

}  // namespace wfc
