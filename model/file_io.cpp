#include "model/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include "model/atomic_write.h"
#include "model/errors.h"

namespace wfc {

namespace {

std::string kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

void check_stat(const std::string& path, const struct stat& st, ReadLimit lim) {
  if (!S_ISREG(st.st_mode))
    throw file_error(path, "is " + kind_of(st.st_mode) + ", not a regular file; a " + lim.kind + " must be a file");
  if (uint64_t(st.st_size) > lim.bytes)
    throw file_error(path, "is " + std::to_string(st.st_size) + " bytes, more than a " + lim.kind + " may hold (" +
                               std::to_string(lim.bytes) + ")");
}

}  // namespace

uint64_t check_input_file(const std::string& path, ReadLimit lim) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
  check_stat(path, st, lim);
  return uint64_t(st.st_size);
}

std::vector<uint8_t> read_file_bytes(const std::string& path, ReadLimit lim) {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of blocking forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw file_error(path, std::string("cannot stat: ") + std::strerror(errno));
  check_stat(path, st, lim);
  // A regular file: reads never block anyway, but a network file system may return EAGAIN.
  if (int fl = ::fcntl(fd, F_GETFL); fl >= 0) ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  std::vector<uint8_t> out(size_t(st.st_size));
  size_t got = 0;
  for (;;) {
    if (got == out.size()) {  // the file may have grown since fstat: read on, within the cap
      if (out.size() >= lim.bytes + 1) break;
      out.resize(std::min<uint64_t>(lim.bytes + 1, out.size() + (64u << 10)));
    }
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw file_error(path, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    got += size_t(n);
  }
  if (got > lim.bytes)
    throw file_error(path, "grew past what a " + std::string(lim.kind) + " may hold (" + std::to_string(lim.bytes) +
                               " bytes) while it was read");
  out.resize(got);
  return out;
}

std::string read_file_text(const std::string& path, ReadLimit lim) {
  auto b = read_file_bytes(path, lim);
  return std::string(b.begin(), b.end());
}

void write_file_atomic(const std::string& path, const void* data, size_t size) {
  const std::string err = write_atomic(path, data, size);
  if (!err.empty()) throw InputError(err);
}

}  // namespace wfc
