#include "model/checkpoint.h"

#include <cmath>
#include <cstring>

#include "model/errors.h"
#include "model/json_io.h"
#include "model/numbers.h"
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

int64_t Checkpoint::tokens_total() const {
  int64_t t = tokens_seen;
  for (const auto& e : lineage) t += e.at("tokens_seen").get<int64_t>();
  return t;
}

json lineage_from(const Checkpoint& parent, const std::string& path) {
  json l = parent.lineage;
  l.push_back({{"path", path}, {"objective", parent.objective}, {"step", parent.step}, {"tokens_seen", parent.tokens_seen}});
  return l;
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
  if (!ck.lineage.empty()) f.metadata["lineage"] = ck.lineage.dump();
  if (ck.world_size != 1) f.metadata["world_size"] = std::to_string(ck.world_size);
  for (const auto& [name, t] : ck.params) f.tensors.emplace(name, to_st_f32(t));
  f.tensors.emplace(kTokenizerTensor,
                    st::Tensor{"U8", {int64_t(ck.tokenizer.size())}, ck.tokenizer});
  return f;
}

std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ck) { return st::serialize(checkpoint_file(ck)); }

void save_checkpoint(const std::string& path, const Checkpoint& ck) { st::save(path, checkpoint_file(ck)); }

// The first tensor element that is NaN or infinite, or -1: such weights evaluate to NaN
// everywhere, so they are refused on load instead of printing "-nan" with exit 0.
static int64_t first_non_finite(const st::Tensor& t) {
  const size_t n = t.data.size() / 4;
  for (size_t i = 0; i < n; ++i) {
    float v;
    std::memcpy(&v, t.data.data() + 4 * i, 4);
    if (!std::isfinite(v)) return int64_t(i);
  }
  return -1;
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
  auto integer = [&](const char* key) {
    try {
      return num::parse_int(meta(key), std::string("metadata '") + key + "'", {0, INT64_MAX});
    } catch (const InputError& e) {
      throw file_error(path, e.what());
    }
  };
  const int64_t version = integer("format_version");
  if (version > kCheckpointVersion)
    throw file_error(path, "checkpoint format version " + std::to_string(version) +
                               " is newer than this wfc reads (" + std::to_string(kCheckpointVersion) +
                               "): HINT update wfc");
  if (version < 1) throw file_error(path, "bad checkpoint format version " + std::to_string(version));

  Checkpoint ck;
  ck.objective = meta("objective");
  if (ck.objective != "wfc" && ck.objective != "ar")
    throw file_error(path, "unknown objective '" + ck.objective + "' (wfc or ar)");
  ck.step = integer("step");
  ck.tokens_seen = integer("tokens_seen");
  if (auto it = f.metadata.find("world_size"); it != f.metadata.end()) {
    try {
      ck.world_size = int(num::parse_int(it->second, "metadata 'world_size'", {1, 65536}));
    } catch (const InputError& e) {
      throw file_error(path, e.what());
    }
  }
  // parse_json bounds the nesting (a 60,000-deep train_config crashed `wfc info`) and names the
  // field; the config errors name the file.
  ck.train = parse_json(meta("train_config"), path + ": train_config");
  if (auto it = f.metadata.find("lineage"); it != f.metadata.end()) {
    // An array of flat objects: anything deeper is refused before it is built.
    ck.lineage = parse_json(it->second, path + ": lineage", 3);
    if (!ck.lineage.is_array()) throw file_error(path, "lineage must be a JSON array");
    // Counts are summed for `wfc info`: each must be a count a run could reach (no wrap-around).
    auto count = [](const json& e, const char* k) {
      const json v = e.value(k, json());
      return v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= int64_t(1e15);
    };
    for (const auto& e : ck.lineage)
      if (!e.is_object() || !count(e, "tokens_seen") || !count(e, "step") || !e.value("path", json()).is_string() ||
          !e.value("objective", json("")).is_string())
        throw file_error(path, "lineage entries need a path, an objective name, and step and tokens_seen counts");
  }
  try {
    ck.model = parse_json(meta("model_config"), path + ": model_config").get<ModelConfig>();
    ck.model.validate();
  } catch (const InputError& e) {
    const std::string m = e.what();
    throw m.rfind(path, 0) == 0 ? e : file_error(path, m);
  }

  auto tok = f.tensors.find(kTokenizerTensor);
  if (tok == f.tensors.end()) throw file_error(path, "missing tensor 'tokenizer.model'");
  if (tok->second.dtype != "U8" || tok->second.shape.size() != 1 || tok->second.data.empty())
    throw file_error(path, "tensor 'tokenizer.model' must be a non-empty 1-D U8 tensor");
  ck.tokenizer = std::move(tok->second.data);
  f.tensors.erase(tok);

  // The config must account for the data before any network is built: a 15 MB file whose config
  // claims 3.6e9 parameters would otherwise allocate 14 GB to find out that its shapes are wrong.
  // Up to twice the data (a tensor or two missing) the network is built, so that the error can
  // name the tensor; the shape checks below then make the count exact.
  uint64_t data_bytes = 0;
  for (const auto& [name, t] : f.tensors) data_bytes += t.data.size();
  const uint64_t need = uint64_t(ck.model.param_count()) * 4;
  if (need > 2 * data_bytes + (1u << 20))
    throw file_error(path, "the model config needs " + std::to_string(ck.model.param_count()) + " parameters (" +
                               std::to_string(need) + " bytes of F32) but the file's tensors hold " +
                               std::to_string(data_bytes) + " bytes");

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
    if (const int64_t i = first_non_finite(it->second); i >= 0)
      throw file_error(path, "tensor '" + name + "' holds a NaN or infinite value (element " + std::to_string(i) + ")");
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
