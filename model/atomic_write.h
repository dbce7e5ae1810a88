// The one way this project writes a file: to PATH.tmp.PID, fsync, rename over PATH, fsync the
// directory. A reader (or a crash) sees the old file or the whole new one, never a torn or mixed one.
// Header-only and free of torch, so viz (PNG, SVG, imgui.ini, recent.txt) and model (checkpoints,
// caches, traces) share it through the wfc_trace include path.
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

namespace wfc {

// Returns "" on success, else one line naming the file and what failed. The temp file never stays.
inline std::string write_atomic(const std::string& path, const void* data, size_t size) {
  // The rename replaces whatever has the name: a device (/dev/null), a FIFO, a link. Only a regular
  // file (or nothing) may be replaced.
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return path + ": not a regular file (only a regular file is replaced)";
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return path + ": cannot create temp file: " + std::strerror(errno);
  auto fail = [&](const char* what) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return path + ": " + what + ": " + std::strerror(e);
  };
  const char* p = static_cast<const char*>(data);
  for (size_t left = size; left > 0;) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed");
    }
    p += n;
    left -= size_t(n);
  }
  if (::fsync(fd) != 0) return fail("fsync failed");
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return path + ": close failed: " + std::strerror(e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return path + ": rename failed: " + std::strerror(e);
  }
  // The rename itself is durable only once the directory is.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (dir.empty()) dir = "/";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return "";
}

// What write_atomic would refuse at the end, said before long work: "" when `path` may be written
// (a regular file or nothing, in a directory that exists), else one line naming it.
inline std::string check_output_path(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return path + ": not a regular file (only a regular file is replaced)";
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (dir.empty()) dir = "/";
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return path + ": its directory " + dir + " does not exist";
  // Writable now, not only by its mode bits (root, read-only mounts such as /sys): a probe file is
  // created and removed, so the work is not done first and then lost.
  std::string probe = dir + "/.wfc-probe-XXXXXX";
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) return path + ": cannot write in " + dir + ": " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

inline std::string write_atomic(const std::string& path, const std::string& text) {
  return write_atomic(path, text.data(), text.size());
}

}  // namespace wfc
