// libFuzzer: the safetensors container reader on arbitrary bytes. A bad file must be an InputError
// (exit 2 for the user); anything else escaping is a finding. A file it accepts must survive a
// round trip: serialize() and parse() again give the same tensors and metadata.
#include <cstdint>
#include <cstdlib>

#include "model/errors.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wfc;
  st::File f;
  try {
    f = st::parse(data, size, "fuzz.safetensors");
  } catch (const InputError&) {
    return 0;
  }
  const auto bytes = st::serialize(f);
  const st::File g = st::parse(bytes.data(), bytes.size(), "round-trip");
  if (g.metadata != f.metadata || g.tensors.size() != f.tensors.size()) std::abort();
  for (const auto& [name, t] : f.tensors) {
    const auto& u = g.tensors.at(name);
    if (u.dtype != t.dtype || u.shape != t.shape || u.data != t.data) std::abort();
  }
  return 0;
}
