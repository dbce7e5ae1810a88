#include "model/corpus_text.h"

#include <fcntl.h>
#include <glob.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "model/errors.h"

namespace wfc {

namespace fs = std::filesystem;

static constexpr size_t kBlock = size_t(1) << 20;

// ---- which files --------------------------------------------------------------------------------

static bool is_hidden(const fs::path& p) {
  const std::string n = p.filename().string();
  return !n.empty() && n[0] == '.';
}

// Appends what one name stands for: a regular file, or a directory's regular files.
static void add_name(const std::string& name, const std::string& option, std::vector<CorpusFile>& out) {
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0)
    throw file_error(name, std::string("corpus file not found (") + option + ": " + std::strerror(errno) + ")");
  if (S_ISREG(st.st_mode)) {
    out.push_back({name, uint64_t(st.st_size)});
    return;
  }
  if (!S_ISDIR(st.st_mode)) throw file_error(name, "not a regular file or directory (" + option + ")");
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(name, fs::directory_options::none, ec), end;
  if (ec) throw file_error(name, "cannot list directory: " + ec.message());
  // Hidden entries (.git, editor files) are not text the user meant; symlinked directories are not
  // followed (no cycles), symlinked files are.
  for (; it != end; it.increment(ec)) {
    if (ec) throw file_error(name, "cannot list directory: " + ec.message());
    if (is_hidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) found.push_back(it->path().string());
  }
  if (found.empty()) throw file_error(name, "directory holds no regular files (" + option + ")");
  std::sort(found.begin(), found.end());
  for (const auto& f : found) {
    if (::stat(f.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) throw file_error(f, "vanished while listing " + name);
    out.push_back({f, uint64_t(st.st_size)});
  }
}

std::vector<CorpusFile> expand_corpus_list(const std::string& list, const std::string& option) {
  std::vector<CorpusFile> out;
  std::stringstream ss(list);
  for (std::string name; std::getline(ss, name, ',');) {
    if (name.empty()) continue;
    struct stat st {};
    const bool pattern = name.find_first_of("*?[") != std::string::npos && ::stat(name.c_str(), &st) != 0;
    if (!pattern) {
      add_name(name, option, out);
      continue;
    }
    glob_t g{};
    const int rc = ::glob(name.c_str(), 0, nullptr, &g);  // sorted; no shell, no ~ or $
    std::vector<std::string> matches;
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (rc == GLOB_NOMATCH || (rc == 0 && matches.empty())) throw file_error(name, "no file matches this pattern (" + option + ")");
    if (rc != 0) throw file_error(name, "cannot expand this pattern (" + option + ")");
    for (const auto& m : matches) add_name(m, option, out);
  }
  return out;
}

// ---- content hash -------------------------------------------------------------------------------

struct ContentHash::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

ContentHash::ContentHash() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("content hash: OpenSSL SHA-256 is not available");
}
ContentHash::~ContentHash() { EVP_MD_CTX_free(impl_->ctx); }

void ContentHash::update(const void* p, size_t n) {
  if (n > 0 && EVP_DigestUpdate(impl_->ctx, p, n) != 1) throw std::runtime_error("content hash: update failed");
}

void ContentHash::update_u64(uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
  update(b, 8);
}

std::array<uint8_t, 32> ContentHash::digest() {
  std::array<uint8_t, 32> h{};
  unsigned n = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, h.data(), &n) != 1 || n != 32) throw std::runtime_error("content hash: final failed");
  return h;
}

std::string hex(const std::array<uint8_t, 32>& h) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t b : h) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

// ---- streaming --------------------------------------------------------------------------------

// O_NONBLOCK: a FIFO swapped in after listing cannot block the open; fstat then refuses it.
static int open_listed(const CorpusFile& f) {
  int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw file_error(f.path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw file_error(f.path, "not a regular file");
  }
  return fd;
}

// Reads up to n bytes (fewer only at the end of the file).
static size_t read_some(int fd, char* p, size_t n, const std::string& path) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw file_error(path, std::string("read failed: ") + std::strerror(errno));
    if (r == 0) break;
    got += size_t(r);
  }
  return got;
}

uint64_t hash_file(const CorpusFile& file, ContentHash& hash) {
  int fd = open_listed(file);
  std::string buf(kBlock, '\0');
  uint64_t total = 0;
  try {
    while (total < file.bytes) {
      const size_t want = size_t(std::min<uint64_t>(kBlock, file.bytes - total));
      const size_t got = read_some(fd, buf.data(), want, file.path);
      hash.update(buf.data(), got);
      total += got;
      if (got < want) break;
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return total;
}

LineReader::LineReader(const CorpusFile& file, size_t max_line, ContentHash* hash)
    : file_(file), max_line_(std::max<size_t>(max_line, 16)), hash_(hash) {
  fd_ = open_listed(file_);
}

LineReader::~LineReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  const size_t want = size_t(std::min<uint64_t>(kBlock, file_.bytes - read_));
  if (want == 0) {
    eof_ = true;
    return false;
  }
  buf_.erase(0, pos_);
  pos_ = 0;
  const size_t old = buf_.size();
  buf_.resize(old + want);
  const size_t got = read_some(fd_, buf_.data() + old, want, file_.path);
  buf_.resize(old + got);
  if (hash_) hash_->update(buf_.data() + old, got);
  read_ += got;
  if (got < want) eof_ = true;  // shrank since it was listed: what is there is the text
  return got > 0;
}

bool LineReader::next(std::string& line) {
  for (;;) {
    const size_t avail = buf_.size() - pos_;
    const char* start = buf_.data() + pos_;
    const size_t scan = std::min(avail, max_line_ + 1);
    const void* nl = std::memchr(start, '\n', scan);
    if (nl && size_t(static_cast<const char*>(nl) - start) <= max_line_) {
      const size_t len = size_t(static_cast<const char*>(nl) - start);
      line.assign(start, len);
      pos_ += len + 1;
      return true;
    }
    if (avail <= max_line_ && fill()) continue;  // the line may end in the next block
    if (avail == 0) return false;
    if (avail <= max_line_) {  // the last line has no '\n'
      line.assign(start, avail);
      pos_ += avail;
      return true;
    }
    // Longer than max_line_: cut after the last space, else before a UTF-8 lead byte.
    size_t cut = max_line_;
    size_t space = std::string::npos;
    for (size_t i = max_line_; i > max_line_ / 2; --i)
      if (start[i - 1] == ' ') {
        space = i;
        break;
      }
    if (space != std::string::npos) {
      cut = space;
    } else {
      while (cut > max_line_ - 3 && (uint8_t(start[cut]) & 0xC0) == 0x80) --cut;
    }
    line.assign(start, cut);
    pos_ += cut;
    return true;
  }
}

}  // namespace wfc
