// A checkpoint as the lab session holds it: the network, the tokenizer, display text for every
// token, the info rows the UI lists and the masks it runs under.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/engine_config.h"
#include "model/network.h"
#include "model/tokenizer.h"

namespace wfc::app {

struct LabCheckpoint {
  std::string path;
  std::vector<std::pair<std::string, std::string>> info;  // label, value rows
  std::vector<MaskKind> masks;                             // what the engine runs it under
  std::string mask;                                        // the mask it was trained with
  Network net{nullptr};
  std::shared_ptr<Tokenizer> tok;
  std::shared_ptr<const std::vector<std::string>> vocab;   // display text of every token id

  static LabCheckpoint open(const std::string& path);      // throws InputError naming the file
};

// Display text of every token id: sentencepiece's word-start mark shown as the space it stands for.
std::shared_ptr<const std::vector<std::string>> display_vocab(const Tokenizer& tok);

}  // namespace wfc::app
