// The corpus side of training: which files a list names, token shards on disk (format, content
// key, refusal of damaged ones), parallel tokenisation that does not depend on the thread count,
// and a tokenizer that is saved only once it is known to be good.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "model/corpus_text.h"
#include "model/data.h"
#include "model/file_io.h"
#include "model/token_shard.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;
namespace fs = std::filesystem;

namespace {

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string file_bytes(const std::string& path) {
  auto b = read_file_bytes(path);
  return std::string(b.begin(), b.end());
}

std::vector<std::string> paths(const std::vector<CorpusFile>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.path);
  return out;
}

struct Log {
  std::vector<std::string> lines;
  LogFn fn() {
    return [this](const std::string& m) { lines.push_back(m); };
  }
  bool has(const std::string& needle) const {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
};

TokenView encode(const std::string& file, const std::string& cache, Log& log, int threads = 2) {
  Tokenizer tok = Tokenizer::from_bytes(tiny_tokenizer());
  return encode_corpus({file}, tok, tiny_tokenizer(), cache, log.fn(), threads);
}

}  // namespace

TEST(Data, ShardRoundTripsUint16AndUint32) {
  const std::string dir = temp_dir();
  for (uint32_t vocab : {400u, 65536u, 70000u}) {
    const std::string path = dir + "/s" + std::to_string(vocab) + ".tokens";
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < 1000; ++i) ids.push_back((i * 7919u) % vocab);
    ids.push_back(vocab - 1);
    ShardHeader h;
    h.vocab_size = vocab;
    h.files = 3;
    h.split = "train";
    std::array<uint8_t, 32> hash{};
    hash[0] = 0xab;
    hash[31] = 0xcd;
    {
      ShardWriter w(path, h);
      w.append(ids.data(), 600);
      w.append(ids.data() + 600, ids.size() - 600);
      w.commit(12345, hash);
    }
    const uint32_t width = vocab <= 65536 ? 2 : 4;
    EXPECT_EQ(fs::file_size(path), kShardHeaderBytes + ids.size() * width);
    EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(getpid())));
    TokenView v = TokenView::open(path);
    EXPECT_EQ(v.size(), int64_t(ids.size()));
    EXPECT_EQ(v.header().width, width);
    EXPECT_EQ(v.header().vocab_size, vocab);
    EXPECT_EQ(v.header().files, 3u);
    EXPECT_EQ(v.header().source_bytes, 12345u);
    EXPECT_EQ(v.header().split, "train");
    EXPECT_EQ(v.header().content_hash, hash);
    std::vector<int64_t> back(ids.size());
    v.copy(0, int64_t(ids.size()), back.data());
    for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(back[i], int64_t(ids[i])) << "at " << i;
    EXPECT_EQ(v.at(int64_t(ids.size()) - 1), int64_t(vocab - 1));
  }
}

TEST(Data, WriterLeavesNoFileWhenNotCommitted) {
  const std::string dir = temp_dir();
  ShardHeader h;
  h.vocab_size = 10;
  {
    ShardWriter w(dir + "/x.tokens", h);
    const uint32_t ids[] = {1, 2, 3};
    w.append(ids, 3);
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Data, SameSizeEditRebuildsTheShard) {
  const std::string dir = temp_dir();
  const std::string corpus = dir + "/corpus.txt", cache = dir + "/train.tokens";
  std::string text = file_bytes(data_path("tiny.txt"));
  write_text(corpus, text);
  Log a;
  const TokenView first = encode(corpus, cache, a);
  EXPECT_TRUE(a.has("encoded")) << a.lines.front();
  EXPECT_EQ(first.header().split, "train");
  EXPECT_EQ(first.header().source_bytes, text.size());
  const std::string made = file_bytes(cache);

  Log b;  // unchanged: reused
  EXPECT_EQ(encode(corpus, cache, b).size(), first.size());
  EXPECT_TRUE(b.has("reusing")) << b.lines.front();

  // One byte changed, same size, same modification time: a new shard all the same.
  const auto mtime = fs::last_write_time(corpus);
  const size_t at = text.find("the ");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'T';
  write_text(corpus, text);
  fs::last_write_time(corpus, mtime);
  Log c;
  const TokenView second = encode(corpus, cache, c);
  EXPECT_TRUE(c.has("changed")) << c.lines.front();
  EXPECT_TRUE(c.has("encoded"));
  EXPECT_NE(second.header().content_hash, first.header().content_hash);
  EXPECT_NE(file_bytes(cache), made);

  // Another tokenizer on the same text: a new key too.
  TokenizerOptions o;
  o.vocab_size = 350;
  const auto other = Tokenizer::train({data_path("tiny.txt")}, o);
  Log d;
  const TokenView third = encode_corpus({corpus}, Tokenizer::from_bytes(other), other, cache, d.fn(), 2);
  EXPECT_TRUE(d.has("changed"));
  EXPECT_NE(third.header().content_hash, second.header().content_hash);
  EXPECT_EQ(third.header().vocab_size, uint32_t(Tokenizer::from_bytes(other).vocab_size()));
}

TEST(Data, DamagedShardsAreRefusedNamingTheFile) {
  const std::string dir = temp_dir();
  const std::string corpus = data_path("tiny.txt"), cache = dir + "/train.tokens";
  Log log;
  const int64_t n = encode(corpus, cache, log).size();
  const std::string good = file_bytes(cache);

  // Truncated by one token: refused on reuse and on open, with the path.
  write_text(cache, good.substr(0, good.size() - 2));
  expect_input_error([&] { encode(corpus, cache, log); }, {cache, "truncated"});
  expect_input_error([&] { TokenView::open(cache); }, {cache, "truncated", std::to_string(n) + " tokens"});
  // Shorter than a header.
  write_text(cache, good.substr(0, 40));
  expect_input_error([&] { TokenView::open(cache); }, {cache, "truncated"});
  // Not a shard at all.
  write_text(cache, std::string(200, 'x'));
  expect_input_error([&] { TokenView::open(cache); }, {cache, "not a wfc token shard"});
  // An id outside the vocabulary: found where it is read, not as a torch error later.
  std::string bad = good;
  bad[kShardHeaderBytes + 2 * 5] = char(0xff);
  bad[kShardHeaderBytes + 2 * 5 + 1] = char(0xff);
  write_text(cache, bad);
  const TokenView v = TokenView::open(cache);
  expect_input_error([&] { fixed_windows(v, 1, 16); }, {cache, "corrupt", "65535", "position 5"});
  std::mt19937_64 rng(1);
  EXPECT_NO_THROW(sample_windows(v, 4, 16, rng));  // windows that avoid position 5 still read
  // A directory where the shard should be.
  fs::remove(cache);
  fs::create_directories(cache);
  expect_input_error([&] { TokenView::open(cache); }, {cache, "not a regular file"});
}

TEST(Data, OlderShardFormatIsRebuilt) {
  const std::string dir = temp_dir();
  const std::string cache = dir + "/val.tokens";
  write_text(cache, std::string("WFCTOKS1") + std::string(40, '\0'));
  Log log;
  const TokenView v = encode(data_path("tiny.txt"), cache, log);
  EXPECT_TRUE(log.has("older format")) << log.lines.front();
  EXPECT_GT(v.size(), 1000);
  EXPECT_EQ(v.header().split, "val");
}

TEST(Data, DirectoriesAndGlobsExpandSorted) {
  const std::string d = temp_dir();
  write_text(d + "/books/b.txt", "b\n");
  write_text(d + "/books/a.txt", "a\n");
  write_text(d + "/books/sub/c.txt", "c\n");
  write_text(d + "/books/.hidden", "h\n");
  write_text(d + "/books/.git/objects", "g\n");
  write_text(d + "/other/x.md", "x\n");
  write_text(d + "/other/y.txt", "y\n");
  ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);

  EXPECT_EQ(paths(expand_corpus_list(d + "/books", "train_files")),
            (std::vector<std::string>{d + "/books/a.txt", d + "/books/b.txt", d + "/books/sub/c.txt"}));
  EXPECT_EQ(paths(expand_corpus_list(d + "/other/*.txt," + d + "/books/b.txt", "train_files")),
            (std::vector<std::string>{d + "/other/y.txt", d + "/books/b.txt"}));
  const auto all = expand_corpus_list(d + "/*/*.txt", "train_files");
  EXPECT_EQ(paths(all), (std::vector<std::string>{d + "/books/a.txt", d + "/books/b.txt", d + "/other/y.txt"}));
  EXPECT_EQ(all.front().bytes, 2u);
  // corpus_files, as the trainer calls it.
  EXPECT_EQ(corpus_files(d + "/other", "unused", "train.txt"), (std::vector<std::string>{d + "/other/x.md", d + "/other/y.txt"}));

  expect_input_error([&] { expand_corpus_list(d + "/nothing/*.txt", "val_files"); }, {d + "/nothing/*.txt", "no file matches", "val_files"});
  expect_input_error([&] { expand_corpus_list(d + "/missing.txt", "train_files"); }, {d + "/missing.txt", "not found"});
  expect_input_error([&] { expand_corpus_list(d + "/fifo", "train_files"); }, {d + "/fifo", "not a regular file"});
  fs::create_directories(d + "/empty/.git");
  expect_input_error([&] { expand_corpus_list(d + "/empty", "train_files"); }, {d + "/empty", "no regular files"});
}

TEST(Data, LongLinesArriveInBoundedPieces) {
  const std::string d = temp_dir();
  // 300 KB with no newline: 3-byte characters, then words.
  std::string text;
  while (text.size() < 150000) text += "\xe6\x9d\xb1";
  while (text.size() < 300000) text += "word ";
  text += "\nshort line\n\nlast";
  write_text(d + "/long.txt", text);
  const CorpusFile f{d + "/long.txt", text.size()};
  ContentHash h;
  LineReader r(f, 4096, &h);
  std::string line, joined;
  std::vector<std::string> lines;
  while (r.next(line)) {
    EXPECT_LE(line.size(), 4096u);
    if (!line.empty()) EXPECT_NE(uint8_t(line[0]) & 0xC0, 0x80) << "a piece starts inside a character";
    lines.push_back(line);
  }
  EXPECT_EQ(r.bytes_read(), text.size());
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[lines.size() - 3], "short line");
  EXPECT_EQ(lines[lines.size() - 2], "");
  EXPECT_EQ(lines.back(), "last");
  for (size_t i = 0; i + 3 < lines.size(); ++i) joined += lines[i];
  EXPECT_EQ(joined, text.substr(0, text.find('\n')));  // nothing lost or doubled at the cuts
  ContentHash whole;
  whole.update(text.data(), text.size());
  EXPECT_EQ(h.digest(), whole.digest());  // the reader hashed every byte once
}

TEST(Data, ParallelTokenisationDoesNotDependOnThreads) {
  const std::string d = temp_dir();
  // About 2.5 MB: several 1 MiB chunks, so workers really finish out of order.
  const std::string tiny = file_bytes(data_path("tiny.txt"));
  std::string text;
  for (int i = 0; text.size() < 2'500'000; ++i) text += (i % 2 ? tiny : tiny.substr(tiny.size() / 3));
  write_text(d + "/big.txt", text);
  write_text(d + "/small.txt", "one more file\n");
  Tokenizer tok = Tokenizer::from_bytes(tiny_tokenizer());
  Log l1, l3;
  const std::vector<std::string> files = {d + "/big.txt", d + "/small.txt"};
  fs::create_directories(d + "/one");
  fs::create_directories(d + "/three");
  const TokenView a = encode_corpus(files, tok, tiny_tokenizer(), d + "/one/train.tokens", l1.fn(), 1);
  const TokenView b = encode_corpus(files, tok, tiny_tokenizer(), d + "/three/train.tokens", l3.fn(), 3);
  EXPECT_GT(a.size(), 500'000);
  EXPECT_EQ(file_bytes(d + "/one/train.tokens"), file_bytes(d + "/three/train.tokens"));
  EXPECT_TRUE(l3.has("3 threads")) << l3.lines.back();
  // And the same ids as encoding line by line in one thread.
  std::vector<int64_t> want;
  for (const auto& f : files) {
    std::ifstream in(f);
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        for (int id : tok.encode(line)) want.push_back(id);
  }
  ASSERT_EQ(a.size(), int64_t(want.size()));
  std::vector<int64_t> got(want.size());
  a.copy(0, a.size(), got.data());
  EXPECT_EQ(got, want);
}

TEST(Data, TemporaryShardWithoutACache) {
  Log log;
  const TokenView v = encode(data_path("heldout.txt"), "", log);
  EXPECT_GT(v.size(), 1000);
  EXPECT_FALSE(fs::exists(v.path()));  // unlinked, still mapped
  auto w = fixed_windows(v, 3, 16);  // [3,16]
  EXPECT_EQ(w.size(0), 3);
  EXPECT_EQ(w[0][0].item<int64_t>(), v.at(0));
  EXPECT_EQ(w[2][15].item<int64_t>(), v.at(v.size() - 1));
}

TEST(Data, EmptyCorpusIsOneLine) {
  const std::string d = temp_dir();
  write_text(d + "/empty.txt", "");
  write_text(d + "/blank.txt", "\n  \n\t\n\n");
  Log log;
  expect_input_error([&] { encode(d + "/empty.txt", d + "/train.tokens", log); }, {d + "/empty.txt", "holds no text"});
  EXPECT_FALSE(fs::exists(d + "/train.tokens"));
  TokenizerOptions o;
  o.vocab_size = 350;
  expect_input_error([&] { Tokenizer::train({d + "/empty.txt"}, o); }, {d + "/empty.txt", "holds no text"});
  expect_input_error([&] { Tokenizer::train({d + "/blank.txt"}, o); }, {d + "/blank.txt", "holds no text"});
}

TEST(Data, TokenizerIsSavedOnlyOnceValidated) {
  const std::string d = temp_dir();
  TrainConfig c;
  c.train_files = data_path("tiny.txt");
  c.out = d + "/run";
  fs::create_directories(c.out);
  c.threads = 1;
  Log log;
  // Far more pieces than 50 KB of text can fill: refused, and nothing is left to block the next run.
  expect_input_error([&] { prepare_tokenizer(c, 20000, log.fn()); }, {"tiny.txt", "pieces", "20000", "nothing was saved"});
  EXPECT_FALSE(fs::exists(c.out + "/tokenizer.model"));
  const auto bytes = prepare_tokenizer(c, 350, log.fn());
  EXPECT_EQ(Tokenizer::from_bytes(bytes).vocab_size(), 350);
  EXPECT_EQ(read_file_bytes(c.out + "/tokenizer.model"), bytes);
}
