// Checked reads: what is not a regular file is refused at once, naming it (a FIFO used to hang,
// /dev/zero to grow without limit, a directory to fail with "basic_filebuf::underflow").
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/errors.h"
#include "model/file_io.h"

namespace {

using namespace wfc;
namespace fs = std::filesystem;

std::string fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path p = fs::temp_directory_path() / ("wfc_input_" + std::string(info->name()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string error_reading(const std::string& path, ReadLimit lim = kAnyFile) {
  try {
    read_file_bytes(path, lim);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(FileInput, RefusesWhatIsNotARegularFile) {
  const std::string dir = fresh_dir(), fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(error_reading(fifo, kCheckpointFile),
            fifo + ": is a FIFO (named pipe), not a regular file; a checkpoint must be a file");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1)) << "opening a FIFO blocked";
  EXPECT_EQ(error_reading(dir, kConfigFile), dir + ": is a directory, not a regular file; a config file must be a file");
  EXPECT_NE(error_reading("/dev/zero").find("/dev/zero: is a character device"), std::string::npos);
  EXPECT_NE(error_reading(dir + "/none").find(dir + "/none: cannot open: No such file"), std::string::npos);
  EXPECT_THROW(check_input_file("/dev/null"), InputError);
}

TEST(FileInput, CapsTheSizeBeforeReading) {
  const std::string dir = fresh_dir(), p = dir + "/big.json";
  std::ofstream(p) << std::string(2000, ' ');
  EXPECT_EQ(error_reading(p, {1000, "config file"}), p + ": is 2000 bytes, more than a config file may hold (1000)");
  EXPECT_EQ(read_file_text(p, {2000, "config file"}).size(), 2000u);
  EXPECT_EQ(check_input_file(p), 2000u);
  std::ofstream(dir + "/empty");
  EXPECT_TRUE(read_file_bytes(dir + "/empty").empty());
}

}  // namespace
