// Small checked I/O helpers. Every error names the file.
//
// Every input is checked before it is read: it must be a regular file (a FIFO would block
// forever, /dev/zero never ends, a directory gives a confusing read error), and its size must be
// under the cap for its kind, so that nothing is allocated for bytes a file cannot hold. Files are
// opened with O_NONBLOCK (so that opening a FIFO cannot block) and read in blocking mode after
// fstat has said they are regular.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wfc {

// The most a file of one kind may hold, and the kind's name for errors.
struct ReadLimit {
  uint64_t bytes;
  const char* kind;
};
constexpr ReadLimit kCheckpointFile{20ull << 30, "checkpoint"};    // 4e9 F32 parameters and more
constexpr ReadLimit kConfigFile{1u << 20, "config file"};          // a few hundred bytes in practice
constexpr ReadLimit kScriptFile{16u << 20, "session script"};
constexpr ReadLimit kTokenizerFile{64u << 20, "tokenizer model"};  // a 1M-piece model is ~20 MB
constexpr ReadLimit kTextFile{4ull << 30, "text file"};            // corpora
constexpr ReadLimit kAnyFile{20ull << 30, "input file"};

// Throws InputError naming PATH unless it is a regular file of at most lim.bytes; returns its size.
uint64_t check_input_file(const std::string& path, ReadLimit lim = kAnyFile);

std::vector<uint8_t> read_file_bytes(const std::string& path, ReadLimit lim = kAnyFile);
std::string read_file_text(const std::string& path, ReadLimit lim = kAnyFile);
// model/atomic_write.h, throwing InputError naming the file: a reader sees the old file or the
// whole new one, never a torn one.
void write_file_atomic(const std::string& path, const void* data, size_t size);
inline void write_file_atomic(const std::string& path, const std::string& s) {
  write_file_atomic(path, s.data(), s.size());
}

}  // namespace wfc
