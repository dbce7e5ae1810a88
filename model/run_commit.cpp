#include "model/run_commit.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "model/errors.h"
#include "model/file_io.h"

namespace wfc {

namespace fs = std::filesystem;
using nlohmann::json;

static constexpr const char* kManifest = "commit.json";
static constexpr const char* kUnitDir = "commit";
static constexpr const char* kLink = "ckpt.safetensors";
static constexpr const char* kLegacyOptim = "ckpt.optim.safetensors";
static constexpr int kManifestVersion = 1;
static constexpr off_t kManifestMaxBytes = 4096;  // ~400 bytes in practice

uint64_t content_hash(const uint8_t* p, size_t n) {
  // FNV-1a over 8-byte words with an xor-shift per word: 8x fewer multiplies than bytewise FNV.
  uint64_t h = 1469598103934665603ull ^ uint64_t(n);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static std::string hex64(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

// "commit/step00000012.g3.model.safetensors": the only names a manifest may hold.
static std::string unit_file(int64_t step, int64_t gen, const char* kind) {
  char b[96];
  std::snprintf(b, sizeof b, "%s/step%08lld.g%lld.%s.safetensors", kUnitDir, static_cast<long long>(step),
                static_cast<long long>(gen), kind);
  return b;
}

static void fsync_dir(const std::string& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// Size and hash of a file the manifest names; `what` is "model" or "optim".
static void verify_file(const std::string& manifest, const std::string& path, const json& entry, bool hashes) {
  struct stat s {};
  if (::stat(path.c_str(), &s) != 0)
    throw file_error(manifest, "names " + path + ", which is missing: " + std::strerror(errno));
  if (!S_ISREG(s.st_mode)) throw file_error(path, "not a regular file");
  const int64_t want = entry.at("bytes").get<int64_t>();
  if (int64_t(s.st_size) != want)
    throw file_error(path, "has " + std::to_string(s.st_size) + " bytes but " + manifest + " committed " +
                               std::to_string(want) + " (the file was altered after its commit)");
  if (!hashes) return;
  const auto bytes = read_file_bytes(path);
  if (hex64(content_hash(bytes.data(), bytes.size())) != entry.at("hash").get<std::string>())
    throw file_error(path, "its content hash differs from the one " + manifest +
                               " committed (the file was altered after its commit)");
}

std::optional<CommittedUnit> read_commit(const std::string& out, bool verify_hashes) {
  const std::string manifest = (fs::path(out) / kManifest).string();
  struct stat s {};
  if (::stat(manifest.c_str(), &s) != 0) {  // a run from before manifests, or none at all
    const std::string model = (fs::path(out) / kLink).string();
    if (!fs::exists(model)) return std::nullopt;
    CommittedUnit u;
    u.model_path = model;
    u.optim_path = (fs::path(out) / kLegacyOptim).string();
    return u;
  }
  if (!S_ISREG(s.st_mode)) throw file_error(manifest, "not a regular file");
  if (s.st_size > kManifestMaxBytes)
    throw file_error(manifest, "is " + std::to_string(s.st_size) + " bytes; a commit manifest is under " +
                                   std::to_string(kManifestMaxBytes));
  CommittedUnit u;
  try {
    const json j = json::parse(read_file_text(manifest));
    if (j.at("format") != "wfc-commit") throw file_error(manifest, "not a wfc commit manifest");
    if (j.at("format_version").get<int>() > kManifestVersion)
      throw file_error(manifest, "manifest version is newer than this wfc reads: HINT update wfc");
    u.step = j.at("step").get<int64_t>();
    u.generation = j.at("generation").get<int64_t>();
    u.world_size = j.at("world_size").get<int>();
    if (u.step < 0 || u.generation < 1 || u.world_size < 1) throw file_error(manifest, "step, generation or world_size out of range");
    for (const char* kind : {"model", "optim"}) {
      const json& e = j.at(kind);
      const std::string name = e.at("file").get<std::string>();
      if (name != unit_file(u.step, u.generation, kind))  // never a path the manifest made up
        throw file_error(manifest, std::string(kind) + " file '" + name + "' is not the name this commit would have");
      const std::string path = (fs::path(out) / name).string();
      verify_file(manifest, path, e, verify_hashes);
      (std::string(kind) == "model" ? u.model_path : u.optim_path) = path;
    }
  } catch (const json::exception& e) {
    throw file_error(manifest, std::string("malformed commit manifest: ") + e.what());
  }
  return u;
}

static bool is_stale_temp(const std::string& name) {  // NAME.tmp.PID, as write_file_atomic makes them
  const auto at = name.rfind(".tmp.");
  if (at == std::string::npos || at + 5 == name.size()) return false;
  for (size_t i = at + 5; i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  return true;
}

// ckpt.safetensors becomes a hard link to the committed model (a copy where links fail).
static void point_link(const std::string& out, const std::string& model) {
  const std::string link = (fs::path(out) / kLink).string();
  const std::string tmp = link + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::link(model.c_str(), tmp.c_str()) != 0) {
    const auto bytes = read_file_bytes(model);
    write_file_atomic(link, bytes.data(), bytes.size());
    return;
  }
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw file_error(link, std::string("rename failed: ") + std::strerror(e));
  }
  fsync_dir(out);
}

static bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

RunDir::RunDir(const std::string& out) : out_(out) {
  std::error_code ec;
  fs::create_directories(fs::path(out) / kUnitDir, ec);
  if (ec) throw file_error(out, "cannot create the run directory: " + ec.message());
  const std::string lock = (fs::path(out) / ".lock").string();
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw file_error(lock, std::string("cannot open: ") + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {0};
    (void)!::pread(lock_fd_, pid, sizeof pid - 1, 0);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw file_error(out, std::string("another wfc train is running in this run directory (pid ") +
                              std::string(pid, strnlen(pid, sizeof pid)) + ")");
  }
  const std::string me = std::to_string(::getpid());
  (void)!::ftruncate(lock_fd_, 0);
  (void)!::pwrite(lock_fd_, me.data(), me.size(), 0);

  // Under the lock every temp file is a leftover of a killed process.
  for (const auto& dir : {fs::path(out), fs::path(out) / kUnitDir})
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file(ec) && is_stale_temp(e.path().filename().string()) && fs::remove(e.path(), ec)) ++removed_;
  // Unit files the manifest does not name were written by a commit that never happened. A
  // manifest that does not read is left for --resume to report; nothing is removed under it.
  std::optional<CommittedUnit> cur;
  try {
    cur = read_commit(out, false);
  } catch (const InputError&) {
    return;
  }
  // No manifest (read_commit then falls back to the old layout): the files may be a first save that never committed, or a run whose commit.json
  // was lost; --resume then names what is missing, and nothing is deleted on a guess.
  if (!cur || cur->generation == 0) return;  // generation 0: read from the pre-manifest layout
  for (const auto& e : fs::directory_iterator(fs::path(out) / kUnitDir, ec)) {
    const std::string p = e.path().string();
    if (cur && (same_file(p, cur->model_path) || same_file(p, cur->optim_path))) continue;
    if (fs::remove(e.path(), ec)) ++removed_;
  }
  if (cur && cur->generation > 0 && !same_file((fs::path(out) / kLink).string(), cur->model_path))
    point_link(out, cur->model_path);  // the crash came after the manifest, before the link
}

RunDir::~RunDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

CommittedUnit RunDir::commit(int64_t step, int world_size, const std::vector<uint8_t>& model,
                             const std::vector<uint8_t>& optim) {
  std::optional<CommittedUnit> prev;
  try {
    prev = read_commit(out_, false);
  } catch (const InputError&) {  // a broken manifest is simply replaced
  }
  CommittedUnit u;
  u.step = step;
  u.world_size = world_size;
  u.generation = (prev ? prev->generation : 0) + 1;
  const std::string model_name = unit_file(step, u.generation, "model"), optim_name = unit_file(step, u.generation, "optim");
  u.model_path = (fs::path(out_) / model_name).string();
  u.optim_path = (fs::path(out_) / optim_name).string();
  try {
    write_file_atomic(u.optim_path, optim.data(), optim.size());
    write_file_atomic(u.model_path, model.data(), model.size());
    json m = {{"format", "wfc-commit"},
              {"format_version", kManifestVersion},
              {"generation", u.generation},
              {"step", step},
              {"world_size", world_size},
              {"model", {{"file", model_name}, {"bytes", model.size()}, {"hash", hex64(content_hash(model.data(), model.size()))}}},
              {"optim", {{"file", optim_name}, {"bytes", optim.size()}, {"hash", hex64(content_hash(optim.data(), optim.size()))}}}};
    write_file_atomic((fs::path(out_) / kManifest).string(), m.dump(1) + "\n");  // the commit
  } catch (const InputError& e) {
    std::error_code ec;
    fs::remove(u.model_path, ec);
    fs::remove(u.optim_path, ec);
    throw std::runtime_error(e.what());
  }
  try {
    point_link(out_, u.model_path);
  } catch (const InputError& e) {
    throw std::runtime_error(std::string(e.what()) + " (the step-" + std::to_string(step) +
                             " checkpoint is committed as " + u.model_path + ")");
  }
  std::error_code ec;
  if (prev) {
    if (prev->generation > 0) {
      fs::remove(prev->model_path, ec);
      fs::remove(prev->optim_path, ec);
    } else {
      fs::remove(prev->optim_path, ec);  // ckpt.optim.safetensors of an older run layout
    }
  }
  return u;
}

}  // namespace wfc
