#include "app/lab_checkpoint.h"

#include <cstdio>

#include "model/checkpoint.h"

namespace wfc::app {

static std::string display_piece(const std::string& p) {
  // sentencepiece marks a word start with U+2581; show it as the space it stands for.
  std::string out;
  for (size_t i = 0; i < p.size();) {
    if (p.compare(i, 3, "\xE2\x96\x81") == 0) {
      out += ' ';
      i += 3;
    } else {
      out += p[i++];
    }
  }
  return out;
}

std::shared_ptr<const std::vector<std::string>> display_vocab(const Tokenizer& tok) {
  auto vocab = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < tok.vocab_size(); ++i) vocab->push_back(display_piece(tok.piece(i)));
  return vocab;
}

static std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

LabCheckpoint LabCheckpoint::open(const std::string& path) {
  Checkpoint ck = load_checkpoint(path);
  LabCheckpoint c;
  c.tok = std::make_shared<Tokenizer>(Tokenizer::from_bytes(ck.tokenizer));
  c.net = build_network(ck);
  c.vocab = display_vocab(*c.tok);
  int64_t params = 0;
  for (const auto& [n, t] : ck.params) params += t.numel();
  const auto& m = ck.model;
  c.path = path;
  c.mask = m.mask;
  c.info = {{"checkpoint", path},
            {"objective", ck.objective},
            {"model", std::to_string(m.n_layer) + " layers x " + std::to_string(m.n_embd) + ", " +
                          std::to_string(m.n_head) + " heads"},
            {"window", std::to_string(m.block_size) + " rows, vocab " + std::to_string(m.vocab_size)},
            {"mask", m.mask + ", read-out " + m.readout},
            {"parameters", fmt("%.2f M", double(params) / 1e6)},
            {"trained", std::to_string(ck.step) + " steps, " + fmt("%.1f M tokens", double(ck.tokens_seen) / 1e6)}};
  // The AR baseline only knows the causal mask; a WFC model also runs under the others.
  for (const auto& k : kMasks)
    if (ck.objective != "ar" || k.kind == MaskKind::Checkpoint || k.kind == MaskKind::Causal) c.masks.push_back(k.kind);
  return c;
}

}  // namespace wfc::app
