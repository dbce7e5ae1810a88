// Reading a text corpus without holding it: which files a list names (files, directories, globs),
// their lines streamed in bounded blocks, and a content hash of their bytes.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wfc {

struct CorpusFile {
  std::string path;
  uint64_t bytes = 0;  // size when it was listed; reading stops there
};

// "a.txt,books/,shards/*.txt" -> the regular files it names, in order: a file as given, a directory
// recursively (sorted by path, regular files only), a glob by glob(3) (sorted; a directory it
// matches is walked). A missing name, a glob matching nothing, or a named FIFO/device is an
// InputError naming it. `option` names the setting in messages ("train_files").
std::vector<CorpusFile> expand_corpus_list(const std::string& list, const std::string& option);

// SHA-256, fed in pieces.
class ContentHash {
 public:
  ContentHash();
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;
  void update(const void* p, size_t n);
  void update_u64(uint64_t v);  // little-endian, so the key is the same on every machine
  std::array<uint8_t, 32> digest();  // once
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
std::string hex(const std::array<uint8_t, 32>& h);

// Lines of one file, without their '\n', read in 1 MiB blocks: memory stays bounded whatever the
// file holds. A line longer than `max_line` bytes comes out in pieces, cut after its last space
// before the limit, else at a UTF-8 character boundary. Reads at most the size the file had when
// it was listed; every byte read is fed to `hash` when given.
class LineReader {
 public:
  LineReader(const CorpusFile& file, size_t max_line, ContentHash* hash = nullptr);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  bool next(std::string& line);  // false at the end of the file
  uint64_t bytes_read() const { return read_; }

 private:
  bool fill();  // reads one more block; false at the end
  CorpusFile file_;
  size_t max_line_;
  ContentHash* hash_;
  int fd_ = -1;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t read_ = 0;
  bool eof_ = false;
};

// Streams the file through `hash` (1 MiB at a time); returns the bytes hashed.
uint64_t hash_file(const CorpusFile& file, ContentHash& hash);

}  // namespace wfc
