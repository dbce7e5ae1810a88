// The run directory's commit: model + optimizer state are one unit; a save cut short at any point
// leaves the previous unit, and its leftovers are cleaned when the directory is opened again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/file_io.h"
#include "model/run_commit.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

void put(const std::string& path, const std::string& s) { write_file_atomic(path, s); }

}  // namespace

TEST(Commit, ManifestNamesBothFilesAndTheLinkFollows) {
  const std::string dir = temp_dir();
  {
    RunDir run(dir);
    EXPECT_FALSE(read_commit(dir));
    run.commit(3, 1, bytes_of("model three"), bytes_of("optim three"));
    run.commit(4, 2, bytes_of("model four"), bytes_of("optim four!"));
  }
  auto u = read_commit(dir);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->step, 4);
  EXPECT_EQ(u->generation, 2);
  EXPECT_EQ(u->world_size, 2);
  EXPECT_EQ(read_file_text(u->model_path), "model four");
  EXPECT_EQ(read_file_text(u->optim_path), "optim four!");
  EXPECT_EQ(read_file_text(dir + "/ckpt.safetensors"), "model four");
  // The replaced unit is gone: exactly two unit files remain.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir + "/commit"), fs::directory_iterator{}), 2);

  // A committed file altered afterwards is refused by name (size, then content hash).
  put(u->optim_path, "optim FOUR!");
  expect_input_error([&] { read_commit(dir); }, {u->optim_path, "content hash"});
  put(u->optim_path, "optim 4");
  expect_input_error([&] { read_commit(dir); }, {u->optim_path, "7 bytes", "committed 11"});
  // A manifest may only name the files its own commit would have written.
  put(u->optim_path, "optim four!");
  std::string m = read_file_text(dir + "/commit.json");
  const std::string good = m;
  m.replace(m.find("commit/step00000004.g2.model"), 28, "../../../../../../etc/passwd");
  put(dir + "/commit.json", m);
  expect_input_error([&] { read_commit(dir); }, {"commit.json", "not the name this commit would have"});
  put(dir + "/commit.json", "{\"format\": ");
  expect_input_error([&] { read_commit(dir); }, {"commit.json", "malformed"});
  put(dir + "/commit.json", good);
  EXPECT_TRUE(read_commit(dir));
}

TEST(Commit, LeftoversOfAnInterruptedSaveAreRemovedAndTheLinkRepaired) {
  const std::string dir = temp_dir();
  { RunDir(dir).commit(3, 1, bytes_of("model three"), bytes_of("optim three")); }
  // What a kill leaves at each point of the next commit: temp files of write_file_atomic, the two
  // unit files of generation 2 without their manifest, and a stale link.
  put(dir + "/commit/step00000004.g2.optim.safetensors", "optim four");
  put(dir + "/commit/step00000004.g2.model.safetensors", "model four");
  put(dir + "/commit/step00000004.g2.model.safetensors.tmp.4242", "mod");
  put(dir + "/commit.json.tmp.17", "{");
  put(dir + "/metrics.jsonl.tmp.99", "x");
  put(dir + "/ckpt.safetensors", "an older model");  // the link was replaced by a copy, then cut
  put(dir + "/notes.tmp.txt", "the user's file");    // not a temp file of ours
  {
    RunDir run(dir);
    EXPECT_EQ(run.removed_at_open(), 5);
  }
  auto u = read_commit(dir);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->step, 3);
  EXPECT_EQ(read_file_text(dir + "/ckpt.safetensors"), "model three");
  EXPECT_TRUE(fs::exists(dir + "/notes.tmp.txt"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir + "/commit"), fs::directory_iterator{}), 2);
  EXPECT_FALSE(fs::exists(dir + "/commit.json.tmp.17"));
  EXPECT_FALSE(fs::exists(dir + "/metrics.jsonl.tmp.99"));
}

TEST(Commit, ASecondTrainerInTheSameDirectoryIsRefused) {
  const std::string dir = temp_dir();
  RunDir first(dir);
  expect_input_error([&] { RunDir second(dir); }, {dir, "another wfc train is running", std::to_string(getpid())});
}

TEST(Commit, ARunWrittenBeforeManifestsIsReadAndReplacedByTheFirstCommit) {
  const std::string dir = temp_dir();
  put(dir + "/ckpt.safetensors", "old model");
  put(dir + "/ckpt.optim.safetensors", "old optim");
  auto u = read_commit(dir);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->generation, 0);
  EXPECT_EQ(u->optim_path, dir + "/ckpt.optim.safetensors");
  { RunDir(dir).commit(5, 1, bytes_of("new model"), bytes_of("new optim")); }
  EXPECT_FALSE(fs::exists(dir + "/ckpt.optim.safetensors"));
  EXPECT_EQ(read_file_text(dir + "/ckpt.safetensors"), "new model");
  EXPECT_EQ(read_commit(dir)->generation, 1);
}
