// Model configuration: a plain struct with a commented default on every field. It is printed at
// the start of every run and stored in every checkpoint, so a checkpoint describes itself.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/engine_config.h"

namespace wfc {

struct ModelConfig {
  int vocab_size = 4096;              // sentencepiece vocabulary; the read-out is tied to the embedding
  int block_size = 192;               // window T: past + future rows seen at once
  int n_layer = 4;                    // blocks in the weight-tied stack (one refinement iteration runs all)
  int n_head = 4;                     // attention heads; n_embd must divide by it
  int n_embd = 256;                   // width C of every row's embedding
  std::string pos = "rotary";         // "rotary" (relative, RESEARCH.md) | "learned" (absolute table)
  float rope_base = 10000.0f;         // rotary frequency base
  std::string mask = mask_name(MaskKind::Block);  // one of kMasks' names except "checkpoint"
  int lookahead = 8;                  // with mask=lookahead: a row sees at most this many rows to its right
  std::string readout = "shifted";    // "shifted": row i reads out token i+1 (as AR) | "same": token i
  bool held_embedding = false;        // add a learned vector to held future rows (collapsed, partial,
                                      // pinned) so the model tells evidence from its own guesses
  float dropout = 0.0f;               // dropout in attention and MLP outputs while training

  void validate() const;              // throws InputError naming the bad field
  int64_t param_count() const;        // exact, without building the network
};

void to_json(nlohmann::json& j, const ModelConfig& c);
void from_json(const nlohmann::json& j, ModelConfig& c);  // unknown keys are an error

}  // namespace wfc
