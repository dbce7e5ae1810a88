// A checkpoint is one safetensors file a user can move around alone:
//   tensors      the network's parameters by name (F32), plus "tokenizer.model" (U8, the
//                serialized sentencepiece model)
//   __metadata__ format ("wfc-checkpoint"), format_version, objective, model_config (JSON),
//                train_config (JSON), step, tokens_seen
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
  std::vector<uint8_t> tokenizer;               // serialized sentencepiece model
  std::map<std::string, torch::Tensor> params;  // name -> F32 CPU tensor
};

// The names and shapes a network with this config has (built once on the CPU, then discarded).
std::map<std::string, std::vector<int64_t>> expected_shapes(const ModelConfig& cfg);

// A network with the checkpoint's config and weights (on the CPU).
Network build_network(const Checkpoint& ck);

// F32 tensors into and out of the safetensors container (checkpoints and optimizer state).
st::Tensor to_st_f32(const torch::Tensor& t);
torch::Tensor from_st_f32(const st::Tensor& s);  // the caller has checked dtype and shape

// The file's bytes (what save_checkpoint writes), for a caller that commits it with other files.
std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ck);
void save_checkpoint(const std::string& path, const Checkpoint& ck);
Checkpoint load_checkpoint(const std::string& path);  // throws InputError naming the file and fault

}  // namespace wfc
