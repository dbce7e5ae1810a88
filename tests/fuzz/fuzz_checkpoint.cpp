// libFuzzer: checkpoint loading (safetensors container, metadata, configs, tensor names and shapes,
// the embedded tokenizer) on arbitrary bytes, through the same path `wfc info` and the lab take.
// A bad file must be an InputError; anything else escaping (c10::Error, std::bad_alloc, a signal)
// is a finding, and so is any single allocation past -malloc_limit_mb.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "model/checkpoint.h"
#include "model/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // load_checkpoint reads a path; a per-process file in /tmp keeps parallel jobs apart.
  static const std::string path = "/tmp/wfc_fuzz_checkpoint." + std::to_string(getpid()) + ".safetensors";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    wfc::load_checkpoint(path);
  } catch (const wfc::InputError&) {
  }
  return 0;
}
