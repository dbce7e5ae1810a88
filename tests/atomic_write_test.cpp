// The one atomic write: a reader sees the old file or the new one; no temp file is left behind,
// also when the write fails; the error names the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/atomic_write.h"

namespace fs = std::filesystem;

static std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(AtomicWrite, ReplacesWholeAndLeavesNoTempFile) {
  const fs::path dir = fs::temp_directory_path() / "wfc_atomic_write_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string p = (dir / "a.txt").string();
  EXPECT_EQ(wfc::write_atomic(p, std::string(100000, 'x')), "");
  EXPECT_EQ(wfc::write_atomic(p, "new\n"), "");
  EXPECT_EQ(slurp(p), "new\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(AtomicWrite, FailureNamesTheFileAndKeepsTheOldOne) {
  const fs::path dir = fs::temp_directory_path() / "wfc_atomic_write_fail";
  fs::remove_all(dir);
  fs::create_directories(dir / "target_is_a_dir");
  const std::string p = (dir / "target_is_a_dir").string();
  const std::string e = wfc::write_atomic(p, "x");  // rename over a directory fails
  EXPECT_NE(e.find(p), std::string::npos) << e;
  EXPECT_TRUE(fs::is_directory(p));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // the temp file is gone
  EXPECT_NE(wfc::write_atomic((dir / "no" / "such" / "dir.txt").string(), "x"), "");
  fs::remove_all(dir);
}

// A rename replaces whatever has the name: `--trace /dev/null` turned the device into a file, and a
// FIFO or a link was replaced the same way. Only a regular file (or nothing) may be replaced.
TEST(AtomicWrite, RefusesToReplaceAFifoALinkOrADirectory) {
  const fs::path dir = fs::temp_directory_path() / "wfc_atomic_write_refuse";
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  const std::string fifo = (dir / "fifo").string(), link = (dir / "link").string(), target = (dir / "t.txt").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  { std::ofstream(target) << "keep"; }
  fs::create_symlink(target, link);
  for (const std::string& p : {fifo, link, (dir / "sub").string()}) {
    const std::string e = wfc::write_atomic(p, "x");
    EXPECT_NE(e.find(p + ": not a regular file"), std::string::npos) << e;
    EXPECT_EQ(wfc::check_output_path(p), e) << "checked up front with the same words";
  }
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(target), "keep");
  EXPECT_NE(wfc::check_output_path((dir / "nope" / "x.txt").string()).find("does not exist"), std::string::npos);
  EXPECT_EQ(wfc::check_output_path((dir / "new.txt").string()), "");
  fs::remove_all(dir);
}
