#include "model/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/file_io.h"
#include "model/json_io.h"

namespace wfc::st {

using nlohmann::json;

// No header may exceed this: a corrupt length field must not make us allocate gigabytes, and
// nlohmann holds a parsed header in about ten times its text. A wfc checkpoint's is a few KB.
constexpr uint64_t kMaxHeader = 8ull << 20;

int dtype_size(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "I8" || d == "U8" || d == "BOOL") return 1;
  return 0;
}

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

std::vector<uint8_t> serialize(const File& f) {
  json header = json::object();
  if (!f.metadata.empty()) header["__metadata__"] = f.metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : f.tensors) {
    const uint64_t n = uint64_t(numel(t.shape)) * uint64_t(dtype_size(t.dtype));
    if (dtype_size(t.dtype) == 0 || n != t.data.size())
      throw std::logic_error("safetensors: tensor '" + name + "' has inconsistent dtype/shape/data");
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');  // the format pads the header to 8-byte alignment
  std::vector<uint8_t> out(8 + h.size() + offset);
  uint64_t hn = h.size();
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(hn >> (8 * i));
  std::memcpy(out.data() + 8, h.data(), h.size());
  uint8_t* p = out.data() + 8 + h.size();
  for (const auto& [name, t] : f.tensors) {
    if (t.data.empty()) continue;  // an empty vector's data() may be null, and memcpy(p, null, 0) is UB
    std::memcpy(p, t.data.data(), t.data.size());
    p += t.data.size();
  }
  return out;
}

File parse(const uint8_t* bytes, size_t size, const std::string& name) {
  auto fail = [&](const std::string& m) -> InputError { return file_error(name, m); };
  if (size < 8) throw fail("not a safetensors file: " + std::to_string(size) + " bytes, too short for a header");
  uint64_t hn = 0;
  for (int i = 0; i < 8; ++i) hn |= uint64_t(bytes[i]) << (8 * i);
  if (hn > kMaxHeader)
    throw fail("not a safetensors file: header length " + std::to_string(hn) + " is implausible");
  if (hn > size - 8)
    throw fail("header length " + std::to_string(hn) + " runs past the end of the file (" +
               std::to_string(size) + " bytes): truncated?");
  if (hn == 0 || bytes[8] != '{') throw fail("not a safetensors file: header is not a JSON object");
  const json header = parse_json(std::string_view(reinterpret_cast<const char*>(bytes + 8), hn), name + ": header");
  if (!header.is_object()) throw fail("header is not a JSON object");
  const uint8_t* data = bytes + 8 + hn;
  const uint64_t data_size = size - 8 - hn;

  File f;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "__metadata__") {
      if (!v.is_object()) throw fail("__metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) throw fail("__metadata__ value '" + m.key() + "' is not a string");
        f.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string& m) { return fail("tensor '" + key + "': " + m); };
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw bad("entry needs dtype, shape and data_offsets");
    Tensor t;
    if (!v["dtype"].is_string() || dtype_size(v["dtype"].get<std::string>()) == 0)
      throw bad("unknown dtype " + v["dtype"].dump());
    t.dtype = v["dtype"].get<std::string>();
    if (!v["shape"].is_array()) throw bad("shape is not an array");
    uint64_t n = 1;
    for (const auto& d : v["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) throw bad("shape has a bad dimension " + d.dump());
      const uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && n > (uint64_t(1) << 62) / dim) throw bad("shape is too large");
      n *= dim;
      t.shape.push_back(int64_t(dim));
    }
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw bad("data_offsets must be two non-negative integers");
    const uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
    if (b > e) throw bad("data_offsets are reversed");
    if (e > data_size)
      throw bad("data ends at byte " + std::to_string(e) + " but the file holds " +
                std::to_string(data_size) + " data bytes: truncated?");
    if (e - b != n * uint64_t(dtype_size(t.dtype)))
      throw bad("holds " + std::to_string(e - b) + " bytes but " + t.dtype + " " + v["shape"].dump() +
                " needs " + std::to_string(n * dtype_size(t.dtype)));
    t.data.assign(data + b, data + e);
    ranges.push_back({b, e});
    f.tensors.emplace(key, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second) throw fail("two tensors overlap in the data section");
  return f;
}

void save(const std::string& path, const File& f) {
  auto bytes = serialize(f);
  write_file_atomic(path, bytes.data(), bytes.size());
}

File load(const std::string& path) {
  auto bytes = read_file_bytes(path, kCheckpointFile);
  return parse(bytes.data(), bytes.size(), path);
}

}  // namespace wfc::st
