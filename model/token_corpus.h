// Corpus files -> a token shard: the files a list names, streamed and encoded in parallel into a
// memory-mapped shard keyed by a content hash. No LibTorch here (data.h adds the windows).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/token_shard.h"
#include "model/tokenizer.h"

namespace wfc {

using LogFn = std::function<void(const std::string&)>;

// "a.txt,books/,more/*.txt" -> the regular files it names (directories walked recursively and
// sorted, globs expanded; see expand_corpus_list); an empty list falls back to DIR/NAME.
// `hint` ends the not-found message: how the caller's user names files instead.
std::vector<std::string> corpus_files(const std::string& list, const std::string& dir, const char* name,
                                      const std::string& hint = "name files with --train-files/--val-files");

// Every non-blank line of every file, encoded and concatenated, as a memory-mapped token shard.
// With a cache path (OUT/train.tokens) the shard is kept there and reused while the content hash
// of tokenizer bytes and corpus bytes is unchanged; without one it lives in an unlinked temp file.
// Files are streamed in bounded blocks and encoded by `threads` workers (0 = one per core); the
// shard is byte-identical for any thread count. Progress goes to `log` every few seconds.
TokenView encode_corpus(const std::vector<std::string>& files, const Tokenizer& tok,
                        const std::vector<uint8_t>& tok_bytes, const std::string& cache, const LogFn& log,
                        int threads = 0);

// What a shard holds, for the run's config and metrics: split, files, bytes, tokens, content hash.
nlohmann::json describe(const TokenView& tokens);

}  // namespace wfc
