// The committed state of a run directory: the model checkpoint and its optimizer state are ONE
// unit, so a SIGKILL or a full disk at any moment leaves either the old unit or the new one.
//
//   OUT/commit/step00000012.g3.model.safetensors  a normal checkpoint
//   OUT/commit/step00000012.g3.optim.safetensors  optimizer moments, step, RNG state
//   OUT/commit.json        the manifest, written last (temp, fsync, rename): it names both files
//                          with their size and content hash. Its rename is the commit.
//   OUT/ckpt.safetensors   a hard link to the committed model, for wfc view/generate/eval/info
//
// Every commit uses a new generation number, so a commit never overwrites a file the current
// manifest names. Files the manifest does not name (a commit cut short) and `*.tmp.PID` files
// are removed when the directory is opened for training; an flock on OUT/.lock keeps a second
// trainer out while one runs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfc {

struct CommittedUnit {
  int64_t step = 0;
  int64_t generation = 0;      // 0 for a run written before manifests (ckpt.optim.safetensors)
  int world_size = 1;          // ranks that wrote it
  std::string model_path;      // a normal checkpoint
  std::string optim_path;      // what --resume needs beyond it
};

// 64-bit content hash of a byte range (detects a torn, truncated or swapped file; not a MAC).
uint64_t content_hash(const uint8_t* p, size_t n);

// The committed unit named by OUT/commit.json, with sizes and hashes verified; else a run from
// before manifests (ckpt.safetensors + ckpt.optim.safetensors); else nullopt. A manifest that is
// malformed or names a missing or altered file throws InputError naming it.
std::optional<CommittedUnit> read_commit(const std::string& out, bool verify_hashes = true);

// The run directory, opened for writing by the one process that commits (rank 0).
class RunDir {
 public:
  // Creates OUT, takes OUT/.lock (InputError when another trainer holds it), removes stale temp
  // files and uncommitted unit files, and points ckpt.safetensors at the committed model again if
  // a crash came between the manifest and the link.
  explicit RunDir(const std::string& out);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;

  // Writes both files, then the manifest (the commit point), then the link; removes the unit it
  // replaced. Throws std::runtime_error naming the file on any I/O failure, with the old unit intact.
  CommittedUnit commit(int64_t step, int world_size, const std::vector<uint8_t>& model,
                       const std::vector<uint8_t>& optim);

  const std::string& out() const { return out_; }
  int removed_at_open() const { return removed_; }  // stale files cleaned when opened

 private:
  std::string out_;
  int lock_fd_ = -1;
  int removed_ = 0;
};

}  // namespace wfc
