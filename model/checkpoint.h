// A checkpoint is one safetensors file a user can move around alone:
//   tensors      the network's parameters by name (F32), plus "tokenizer.model" (U8, the
//                serialized sentencepiece model)
//   __metadata__ format ("wfc-checkpoint"), format_version, objective, model_config (JSON),
//                train_config (JSON), step, tokens_seen, and (since training records them) lineage
//                and world_size
// Written atomically; loading checks the version, the config, every tensor's name, dtype and shape.
#pragma once
#include <torch/torch.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/network.h"
#include "model/safetensors.h"

namespace wfc {

constexpr int kCheckpointVersion = 1;
constexpr const char* kTokenizerTensor = "tokenizer.model";

struct Checkpoint {
  ModelConfig model;                            // the network's shape
  nlohmann::json train = nlohmann::json::object();  // training config that produced it (opaque here)
  std::string objective = "wfc";                // "wfc" or "ar" (the autoregressive baseline)
  int64_t step = 0;                             // optimizer steps taken
  int64_t tokens_seen = 0;                      // training tokens consumed
  int world_size = 1;                           // data-parallel ranks that wrote it (1 when not recorded)
  // The checkpoints its weights started from, oldest first: {"path", "objective", "step",
  // "tokens_seen"} each (that stage's own counts). Empty: trained from scratch, or written before
  // lineage was recorded (then train["init_from"] is all that is known).
  nlohmann::json lineage = nlohmann::json::array();
  std::vector<uint8_t> tokenizer;               // serialized sentencepiece model
  // Tokens over every recorded stage: this one's and its parents'.
  int64_t tokens_total() const;
  std::map<std::string, torch::Tensor> params;  // name -> F32 CPU tensor
};

// The names and shapes a network with this config has (built once on the CPU, then discarded).
std::map<std::string, std::vector<int64_t>> expected_shapes(const ModelConfig& cfg);

// A network with the checkpoint's config and weights (on the CPU).
Network build_network(const Checkpoint& ck);

// F32 tensors into and out of the safetensors container (checkpoints and optimizer state).
st::Tensor to_st_f32(const torch::Tensor& t);
torch::Tensor from_st_f32(const st::Tensor& s);  // the caller has checked dtype and shape

// The lineage of a run initialised from `parent` (loaded from `path`): the parent's own, then it.
nlohmann::json lineage_from(const Checkpoint& parent, const std::string& path);

// The file's bytes (what save_checkpoint writes), for a caller that commits it with other files.
std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ck);
void save_checkpoint(const std::string& path, const Checkpoint& ck);
Checkpoint load_checkpoint(const std::string& path);  // throws InputError naming the file and fault

}  // namespace wfc
