#include "model/checkpoint.h"

#include <cstring>

#include "model/errors.h"
#include "model/network.h"
#include "model/safetensors.h"
#include "model/tokenizer.h"

namespace wfc {

using nlohmann::json;

std::map<std::string, std::vector<int64_t>> expected_shapes(const ModelConfig& cfg) {
  torch::NoGradGuard ng;
  Network net(cfg);
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& p : net->named_parameters()) out[p.key()] = p.value().sizes().vec();
  return out;
}

Network build_network(const Checkpoint& ck) {
  Network net(ck.model);
  torch::NoGradGuard ng;
  for (auto& p : net->named_parameters()) p.value().copy_(ck.params.at(p.key()));
  return net;
}

st::Tensor to_st_f32(const torch::Tensor& t0) {
  auto t = t0.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  st::Tensor s{"F32", t.sizes().vec(), {}};
  s.data.resize(size_t(t.numel()) * 4);
  std::memcpy(s.data.data(), t.data_ptr<float>(), s.data.size());
  return s;
}

torch::Tensor from_st_f32(const st::Tensor& s) {
  auto t = torch::empty(s.shape, torch::kFloat32);
  std::memcpy(t.data_ptr<float>(), s.data.data(), s.data.size());
  return t;
}

static st::File checkpoint_file(const Checkpoint& ck) {
  st::File f;
  json mc = ck.model;
  f.metadata = {{"format", "wfc-checkpoint"},
                {"format_version", std::to_string(kCheckpointVersion)},
                {"objective", ck.objective},
                {"model_config", mc.dump()},
                {"train_config", ck.train.dump()},
                {"step", std::to_string(ck.step)},
                {"tokens_seen", std::to_string(ck.tokens_seen)}};
  for (const auto& [name, t] : ck.params) f.tensors.emplace(name, to_st_f32(t));
  f.tensors.emplace(kTokenizerTensor,
                    st::Tensor{"U8", {int64_t(ck.tokenizer.size())}, ck.tokenizer});
  return f;
}

std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ck) { return st::serialize(checkpoint_file(ck)); }

void save_checkpoint(const std::string& path, const Checkpoint& ck) { st::save(path, checkpoint_file(ck)); }

static int64_t parse_int(const std::string& path, const std::string& key, const std::string& v) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return n;
  } catch (const std::exception&) {
    throw file_error(path, "metadata '" + key + "' is not an integer: '" + v + "'");
  }
}

Checkpoint load_checkpoint(const std::string& path) {
  st::File f = st::load(path);
  auto meta = [&](const char* key) -> const std::string& {
    auto it = f.metadata.find(key);
    if (it == f.metadata.end()) throw file_error(path, std::string("metadata has no '") + key + "'");
    return it->second;
  };
  if (!f.metadata.count("format") || f.metadata["format"] != "wfc-checkpoint")
    throw file_error(path, "a safetensors file, but not a wfc checkpoint (no format=wfc-checkpoint in "
                           "its metadata)");
  const int64_t version = parse_int(path, "format_version", meta("format_version"));
  if (version > kCheckpointVersion)
    throw file_error(path, "checkpoint format version " + std::to_string(version) +
                               " is newer than this wfc reads (" + std::to_string(kCheckpointVersion) +
                               "): HINT update wfc");
  if (version < 1) throw file_error(path, "bad checkpoint format version " + std::to_string(version));

  Checkpoint ck;
  ck.objective = meta("objective");
  if (ck.objective != "wfc" && ck.objective != "ar")
    throw file_error(path, "unknown objective '" + ck.objective + "' (wfc or ar)");
  ck.step = parse_int(path, "step", meta("step"));
  ck.tokens_seen = parse_int(path, "tokens_seen", meta("tokens_seen"));
  try {
    ck.model = json::parse(meta("model_config")).get<ModelConfig>();
    ck.train = json::parse(meta("train_config"));
  } catch (const json::exception& e) {
    throw file_error(path, std::string("metadata JSON is malformed: ") + e.what());
  } catch (const InputError& e) {
    throw file_error(path, e.what());
  }
  try {
    ck.model.validate();
  } catch (const InputError& e) {
    throw file_error(path, e.what());
  }

  auto tok = f.tensors.find(kTokenizerTensor);
  if (tok == f.tensors.end()) throw file_error(path, "missing tensor 'tokenizer.model'");
  if (tok->second.dtype != "U8" || tok->second.shape.size() != 1 || tok->second.data.empty())
    throw file_error(path, "tensor 'tokenizer.model' must be a non-empty 1-D U8 tensor");
  ck.tokenizer = std::move(tok->second.data);
  f.tensors.erase(tok);

  const auto want = expected_shapes(ck.model);
  for (const auto& [name, shape] : want) {
    auto it = f.tensors.find(name);
    if (it == f.tensors.end()) throw file_error(path, "missing tensor '" + name + "'");
    if (it->second.dtype != "F32")
      throw file_error(path, "tensor '" + name + "' is " + it->second.dtype + ", expected F32");
    if (it->second.shape != shape) {
      auto str = [](const std::vector<int64_t>& s) { return json(s).dump(); };
      throw file_error(path, "tensor '" + name + "' has shape " + str(it->second.shape) +
                                 " but the model config needs " + str(shape));
    }
    ck.params.emplace(name, from_st_f32(it->second));
  }
  for (const auto& [name, t] : f.tensors)
    if (!want.count(name)) throw file_error(path, "unexpected tensor '" + name + "' for this model config");

  // The tokenizer must parse and agree with the embedding table.
  try {
    Tokenizer tk = Tokenizer::from_bytes(ck.tokenizer);
    if (tk.vocab_size() != ck.model.vocab_size)
      throw file_error(path, "tokenizer has " + std::to_string(tk.vocab_size()) +
                                 " pieces but the model config says vocab_size " +
                                 std::to_string(ck.model.vocab_size));
  } catch (const InputError& e) {
    const std::string m = e.what();
    throw m.rfind(path, 0) == 0 ? e : file_error(path, m);
  }
  return ck;
}

}  // namespace wfc
