// libFuzzer: the training config file (`wfc train --config F`: {"model": {...}, "train": {...}}) and
// the model config every checkpoint carries, on arbitrary text. Bad text must be an InputError or a
// JSON parse error; a config it accepts must survive to_json -> from_json unchanged and validate again.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/errors.h"
#include "model/train_config.h"

using nlohmann::json;

template <class Config>
static void check(const json& j) {
  Config c;
  try {
    c = j.get<Config>();
    c.validate();
  } catch (const wfc::InputError&) {
    return;
  }
  const json out = c;
  const Config back = out.get<Config>();
  back.validate();
  if (json(back) != out) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json file;
  try {
    file = json::parse(data, data + size);
  } catch (const json::exception&) {
    return 0;
  }
  if (!file.is_object()) return 0;
  if (file.contains("model")) check<wfc::ModelConfig>(file["model"]);
  if (file.contains("train")) check<wfc::TrainConfig>(file["train"]);
  return 0;
}
