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
