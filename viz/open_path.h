// What File -> Open does with a typed path, without a window: a directory is browsed (its
// .safetensors files listed) instead of being sent to the worker as if it were a checkpoint (which
// failed with "basic_filebuf::underflow ..."); anything else is loaded, and a bad file names itself.
#pragma once
#include <string>
#include <vector>

namespace wfc::viz {

struct OpenEntry {
  std::string name;  // file name, "/" appended for a directory
  std::string path;  // what choosing it puts in the path box (a directory ends in "/")
  bool dir = false;
};

// The directory the Open window lists for a path box's text: the path itself when it names a
// directory, else its parent ("." when it has none).
std::string open_listing_dir(const std::string& typed);
// Subdirectories and .safetensors files of dir, sorted by name; empty when it cannot be read.
std::vector<OpenEntry> open_listing(const std::string& dir);
// The parent of a listed directory, ending in "/" ("/" stays "/").
std::string open_parent(const std::string& dir);
// True when the typed path should be loaded, false when it is a directory to browse.
bool open_loads(const std::string& typed);

}  // namespace wfc::viz
