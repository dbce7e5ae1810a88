#include "viz/open_path.h"

#include <algorithm>
#include <filesystem>

namespace wfc::viz {

namespace fs = std::filesystem;

std::string open_listing_dir(const std::string& typed) {
  std::error_code ec;
  if (!typed.empty() && fs::is_directory(typed, ec)) return typed;
  const fs::path parent = fs::path(typed).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::vector<OpenEntry> open_listing(const std::string& dir) {
  std::vector<OpenEntry> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const bool is_dir = it->is_directory(ec);
    if (!is_dir && it->path().extension() != ".safetensors") continue;
    const std::string name = it->path().filename().string() + (is_dir ? "/" : "");
    out.push_back({name, (is_dir ? it->path() / "" : it->path()).string(), is_dir});
  }
  std::sort(out.begin(), out.end(), [](const OpenEntry& a, const OpenEntry& b) { return a.name < b.name; });
  return out;
}

std::string open_parent(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "/a/b/" -> "/a/b"
  return (p.parent_path() / "").string();
}

bool open_loads(const std::string& typed) {
  std::error_code ec;
  return !typed.empty() && !fs::is_directory(typed, ec);
}

}  // namespace wfc::viz
