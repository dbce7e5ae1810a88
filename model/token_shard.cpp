#include "model/token_shard.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/errors.h"

namespace wfc {

static constexpr char kMagic[8] = {'W', 'F', 'C', 'T', 'O', 'K', 'N', 'S'};
static constexpr char kOldMagic[8] = {'W', 'F', 'C', 'T', 'O', 'K', 'S', '1'};  // v1: int32, keyed by file sizes
// A page cache mapping counts in RSS once touched. Training draws windows all over the shard, so
// the pages it has touched are dropped from this process's mapping every so often (they stay in
// the page cache): peak RSS does not grow with the corpus.
static constexpr uint64_t kTouchedBudget = uint64_t(64) << 20;

static void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
static void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}
static uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(p[i]) << (8 * i);
  return v;
}
static uint64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

static void encode_header(const ShardHeader& h, uint8_t* b) {
  std::memset(b, 0, kShardHeaderBytes);
  std::memcpy(b, kMagic, 8);
  put32(b + 8, h.version);
  put32(b + 12, h.width);
  put32(b + 16, h.vocab_size);
  put32(b + 20, h.files);
  put64(b + 24, h.count);
  put64(b + 32, h.source_bytes);
  std::memcpy(b + 40, h.split.data(), std::min<size_t>(h.split.size(), 15));
  std::memcpy(b + 56, h.content_hash.data(), 32);
}

static int open_shard(const std::string& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw file_error(path, std::string("cannot open token shard: ") + std::strerror(errno));
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw file_error(path, "token shard is not a regular file");
  }
  return fd;
}

// Reads the header from an open shard; checks everything but the size against the count.
static bool parse_header(int fd, const struct stat& st, const std::string& path, ShardHeader& h) {
  uint8_t b[kShardHeaderBytes];
  if (st.st_size >= 8) {
    if (::pread(fd, b, 8, 0) != 8) throw file_error(path, "cannot read token shard header");
    if (std::memcmp(b, kOldMagic, 8) == 0) return false;
  }
  if (uint64_t(st.st_size) < kShardHeaderBytes)
    throw file_error(path, "token shard is truncated: " + std::to_string(st.st_size) + " bytes, shorter than its " +
                               std::to_string(kShardHeaderBytes) + "-byte header (delete it to rebuild)");
  if (::pread(fd, b, kShardHeaderBytes, 0) != ssize_t(kShardHeaderBytes)) throw file_error(path, "cannot read token shard header");
  if (std::memcmp(b, kMagic, 8) != 0) throw file_error(path, "not a wfc token shard (bad magic)");
  ShardHeader r;
  r.version = get32(b + 8);
  r.width = get32(b + 12);
  r.vocab_size = get32(b + 16);
  r.files = get32(b + 20);
  r.count = get64(b + 24);
  r.source_bytes = get64(b + 32);
  r.split.assign(reinterpret_cast<const char*>(b + 40), strnlen(reinterpret_cast<const char*>(b + 40), 15));
  std::memcpy(r.content_hash.data(), b + 56, 32);
  if (r.version != kShardVersion)
    throw file_error(path, "token shard version " + std::to_string(r.version) + " is not " + std::to_string(kShardVersion));
  if (r.vocab_size < 1 || r.width != shard_width(int(std::min<uint32_t>(r.vocab_size, 1u << 30))))
    throw file_error(path, "token shard header is corrupt: width " + std::to_string(r.width) + " for vocabulary " +
                               std::to_string(r.vocab_size));
  h = r;
  return true;
}

bool read_shard_header(const std::string& path, ShardHeader& h) {
  struct stat st {};
  int fd = open_shard(path, st);
  try {
    const bool ok = parse_header(fd, st, path, h);
    ::close(fd);
    return ok;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

// ---- the view -----------------------------------------------------------------------------------

struct TokenView::Map {
  void* base = nullptr;
  size_t len = 0;
  const uint8_t* ids = nullptr;
  mutable std::atomic<uint64_t> touched{0};
  ~Map() {
    if (base) ::munmap(base, len);
  }
};

TokenView TokenView::open(const std::string& path) {
  struct stat st {};
  int fd = open_shard(path, st);
  TokenView v;
  try {
    if (!parse_header(fd, st, path, v.header_)) throw file_error(path, "token shard is in an older format (delete it to rebuild)");
    const auto& h = v.header_;
    if (h.count > (uint64_t(1) << 40))
      throw file_error(path, "token shard header is corrupt: " + std::to_string(h.count) + " tokens");
    const uint64_t want = kShardHeaderBytes + h.count * h.width;
    if (uint64_t(st.st_size) != want)
      throw file_error(path, "token shard is truncated or corrupt: " + std::to_string(st.st_size) + " bytes, but its header says " +
                                 std::to_string(h.count) + " tokens (" + std::to_string(want) + " bytes; delete it to rebuild)");
    v.map_ = std::make_shared<Map>();
    v.map_->len = size_t(want);
    void* p = ::mmap(nullptr, v.map_->len, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) throw file_error(path, std::string("cannot map token shard: ") + std::strerror(errno));
    v.map_->base = p;
    v.map_->ids = static_cast<const uint8_t*>(p) + kShardHeaderBytes;
    ::madvise(p, v.map_->len, MADV_RANDOM);  // windows are drawn anywhere: no read-ahead
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);  // the mapping keeps the file
  v.path_ = path;
  return v;
}

void TokenView::copy(int64_t start, int64_t n, int64_t* out) const {
  if (start < 0 || n < 0 || uint64_t(start + n) > header_.count)
    throw std::out_of_range("token shard " + path_ + ": read [" + std::to_string(start) + ", " + std::to_string(start + n) +
                            ") outside " + std::to_string(header_.count) + " tokens");
  if (n == 0) return;
  const uint32_t vocab = header_.vocab_size;
  uint32_t bad = 0;
  if (header_.width == 2) {
    const uint8_t* p = map_->ids + size_t(start) * 2;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t id = uint32_t(p[2 * i]) | uint32_t(p[2 * i + 1]) << 8;
      bad |= uint32_t(id >= vocab);
      out[i] = id;
    }
  } else {
    const uint8_t* p = map_->ids + size_t(start) * 4;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t id = get32(p + 4 * i);
      bad |= uint32_t(id >= vocab);
      out[i] = id;
    }
  }
  if (bad) {
    for (int64_t i = 0; i < n; ++i)
      if (uint64_t(out[i]) >= vocab)
        throw file_error(path_, "token shard is corrupt: id " + std::to_string(out[i]) + " at position " +
                                    std::to_string(start + i) + " is outside the vocabulary of " + std::to_string(vocab) +
                                    " (delete it to rebuild)");
  }
  const uint64_t t = map_->touched.fetch_add(uint64_t(n) * header_.width) + uint64_t(n) * header_.width;
  if (t > kTouchedBudget) {
    map_->touched = 0;
    ::madvise(map_->base, map_->len, MADV_DONTNEED);
  }
}

// ---- the writer ---------------------------------------------------------------------------------

ShardWriter::ShardWriter(const std::string& path, const ShardHeader& h) : path_(path), header_(h) {
  header_.version = kShardVersion;
  header_.width = shard_width(int(h.vocab_size));
  header_.count = 0;
  tmp_ = path + ".tmp." + std::to_string(::getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw file_error(path, std::string("cannot create temp file: ") + std::strerror(errno));
  uint8_t b[kShardHeaderBytes];
  encode_header(header_, b);  // rewritten with the count at commit
  write_all(b, sizeof b);
}

ShardWriter::~ShardWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void ShardWriter::write_all(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw file_error(path_, std::string("write failed: ") + std::strerror(errno));
    p += w;
    n -= size_t(w);
  }
}

void ShardWriter::append(const uint32_t* ids, size_t n) {
  const uint32_t w = header_.width;
  buf_.resize(n * w);
  auto* b = reinterpret_cast<uint8_t*>(buf_.data());
  for (size_t i = 0; i < n; ++i) {
    if (ids[i] >= header_.vocab_size)
      throw std::logic_error("token id " + std::to_string(ids[i]) + " >= vocabulary " + std::to_string(header_.vocab_size));
    if (w == 2) {
      b[2 * i] = uint8_t(ids[i]);
      b[2 * i + 1] = uint8_t(ids[i] >> 8);
    } else {
      put32(b + 4 * i, ids[i]);
    }
  }
  write_all(b, n * w);
  header_.count += n;
}

void ShardWriter::commit(uint64_t source_bytes, const std::array<uint8_t, 32>& content_hash) {
  header_.source_bytes = source_bytes;
  header_.content_hash = content_hash;
  uint8_t b[kShardHeaderBytes];
  encode_header(header_, b);
  if (::pwrite(fd_, b, sizeof b, 0) != ssize_t(sizeof b)) throw file_error(path_, std::string("write failed: ") + std::strerror(errno));
  if (::fsync(fd_) != 0) throw file_error(path_, std::string("fsync failed: ") + std::strerror(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    ::unlink(tmp_.c_str());
    throw file_error(path_, "close failed");
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp_.c_str());
    throw file_error(path_, std::string("rename failed: ") + std::strerror(e));
  }
  std::string dir = path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace wfc
