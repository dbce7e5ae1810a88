// libFuzzer: the training config file (`wfc train --config F`: {"model": {...}, "train": {...}}) and
// the model config every checkpoint carries, on arbitrary text, read as wfc reads them (parse_json,
// then the typed fields). Bad text must be an InputError; a config it accepts must survive
// to_json -> from_json unchanged, validate again, and get an answer from the memory estimate.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/errors.h"
#include "model/json_io.h"
#include "model/train_config.h"

using nlohmann::json;

template <class Config>
static bool check(const json& file, const char* section, Config& c) {
  if (!file.contains(section)) return true;
  try {
    c = file[section].get<Config>();
    c.validate();
  } catch (const wfc::InputError&) {
    return false;
  }
  const json out = c;
  const Config back = out.get<Config>();  // throws: a finding
  back.validate();
  if (json(back) != out) std::abort();
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json file;
  try {
    file = wfc::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } catch (const wfc::InputError&) {
    return 0;
  }
  if (!file.is_object()) return 0;
  wfc::ModelConfig m;
  wfc::TrainConfig t;
  const bool ok_m = check(file, "model", m), ok_t = check(file, "train", t);
  if (ok_m && ok_t) {
    try {
      wfc::check_train_fits(m, t, 64e9);
    } catch (const wfc::InputError&) {
    }
  }
  return 0;
}
