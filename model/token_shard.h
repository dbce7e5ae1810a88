// A token shard: one split of a tokenised corpus on disk, memory-mapped for training.
//
// Layout (little-endian): a 128-byte header, then `count` token ids of `width` bytes each.
//   0  magic "WFCTOKNS"         8  version u32 (2)        12 width u32 (2 = uint16, 4 = uint32)
//   16 vocab_size u32          20 files u32              24 count u64
//   32 source_bytes u64        40 split char[16]          56 content_hash [32] (SHA-256)
//   88 zeros up to 128
// The content hash covers the tokenizer and every corpus byte (see data.cpp), so a shard is
// reused only for exactly the text and tokenizer it was made from.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace wfc {

struct ShardHeader {
  uint32_t version = 2;
  uint32_t width = 2;             // bytes per token id
  uint32_t vocab_size = 0;        // every id is below this
  uint32_t files = 0;             // corpus files it was made from
  uint64_t count = 0;             // token ids that follow the header
  uint64_t source_bytes = 0;      // corpus bytes they encode
  std::string split;              // "train" | "val" | "" (at most 15 bytes)
  std::array<uint8_t, 32> content_hash{};
};

constexpr size_t kShardHeaderBytes = 128;
constexpr uint32_t kShardVersion = 2;
inline uint32_t shard_width(int vocab_size) { return vocab_size <= 65536 ? 2 : 4; }

// Reads and checks a header. Returns false (and leaves `h` alone) when the file is an older
// shard format that should simply be rebuilt; anything else wrong is an InputError naming the file.
bool read_shard_header(const std::string& path, ShardHeader& h);

// A read-only view of a shard's ids, memory-mapped; copies share the mapping. Opening checks the
// header and that the file size is exactly header + count x width; ids are checked against the
// vocabulary as they are read, so a corrupt shard is refused where it is used, naming the file.
class TokenView {
 public:
  TokenView() = default;
  static TokenView open(const std::string& path);  // throws InputError naming the file

  int64_t size() const { return int64_t(header_.count); }
  bool empty() const { return header_.count == 0; }
  const ShardHeader& header() const { return header_; }
  const std::string& path() const { return path_; }

  // ids [start, start+n) into out; throws InputError on an id outside the vocabulary.
  void copy(int64_t start, int64_t n, int64_t* out) const;
  int64_t at(int64_t i) const {
    int64_t v;
    copy(i, 1, &v);
    return v;
  }

 private:
  struct Map;
  std::shared_ptr<Map> map_;
  ShardHeader header_;
  std::string path_;
};

// Writes a shard atomically: PATH.tmp.PID while tokens arrive, then header, fsync, rename. The
// temp file is removed if the writer is destroyed before commit().
class ShardWriter {
 public:
  ShardWriter(const std::string& path, const ShardHeader& h);  // h.count and width are filled in
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;
  void append(const uint32_t* ids, size_t n);  // each id < vocab_size (checked)
  uint64_t count() const { return header_.count; }
  void commit(uint64_t source_bytes, const std::array<uint8_t, 32>& content_hash);

 private:
  void write_all(const void* p, size_t n);
  std::string path_, tmp_;
  ShardHeader header_;
  int fd_ = -1;
  std::string buf_;
};

}  // namespace wfc
