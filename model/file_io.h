// Small checked I/O helpers. Every error names the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wfc {

std::vector<uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);
// model/atomic_write.h, throwing InputError naming the file: a reader sees the old file or the
// whole new one, never a torn one.
void write_file_atomic(const std::string& path, const void* data, size_t size);
inline void write_file_atomic(const std::string& path, const std::string& s) {
  write_file_atomic(path, s.data(), s.size());
}

}  // namespace wfc
