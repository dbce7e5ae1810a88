// The safetensors container (https://huggingface.co/docs/safetensors), no torch involved:
//   u64 little-endian N | N bytes of JSON header | raw tensor bytes
// The header maps tensor names to {dtype, shape, data_offsets} and may hold "__metadata__", a map of
// string to string. Reading validates every byte range; nothing is ever unpickled or executed.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wfc::st {

struct Tensor {
  std::string dtype;            // "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"
  std::vector<int64_t> shape;   // row-major
  std::vector<uint8_t> data;    // little-endian, numel * dtype_size bytes
};

struct File {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Tensor> tensors;
};

int dtype_size(const std::string& dtype);  // 0 for an unknown dtype
int64_t numel(const std::vector<int64_t>& shape);

// `name` is used in error messages only (normally the path).
std::vector<uint8_t> serialize(const File& f);
File parse(const uint8_t* bytes, size_t size, const std::string& name);

void save(const std::string& path, const File& f);  // atomic
File load(const std::string& path);

}  // namespace wfc::st
