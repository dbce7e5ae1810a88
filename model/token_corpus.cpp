#include "model/token_corpus.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "model/corpus_text.h"
#include "model/errors.h"
#include "model/file_io.h"

namespace wfc {

namespace fs = std::filesystem;

std::vector<std::string> corpus_files(const std::string& list, const std::string& dir, const char* name,
                                      const std::string& hint) {
  const std::string n = name;
  const std::string option = n == "train.txt" ? "train_files" : n == "val.txt" ? "val_files" : n;
  std::vector<std::string> out;
  if (list.find_first_not_of(", ") == std::string::npos) {
    const std::string f = (fs::path(dir) / name).string();
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0)
      throw file_error(f, "corpus file not found (fetch Brown with scripts/fetch-brown.sh, or " + hint + ")");
    if (!S_ISREG(st.st_mode)) throw file_error(f, "not a regular file");
    out.push_back(f);
    return out;
  }
  try {
    for (auto& f : expand_corpus_list(list, option)) out.push_back(std::move(f.path));
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + "; " + hint);  // how this command's user names files
  }
  return out;
}

// ---- token shards -------------------------------------------------------------------------------

// A line longer than this is encoded in pieces (see LineReader): bounded memory per line.
static constexpr size_t kMaxLine = size_t(64) << 10;
// Lines are handed to the workers in chunks of about this much text.
static constexpr size_t kChunkBytes = size_t(1) << 20;

static std::string fixed1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
static std::string mb(uint64_t bytes) { return fixed1(double(bytes) / 1e6) + " MB"; }

// The cache key: format, line rule, tokenizer bytes, then every file's size and bytes in order.
static ContentHash& start_key(ContentHash& h, const std::vector<uint8_t>& tok_bytes, size_t files) {
  static const char kTag[] = "wfc-tokens/2 lines-skip-blank";
  h.update(kTag, sizeof kTag);
  h.update_u64(kMaxLine);
  h.update_u64(tok_bytes.size());
  h.update(tok_bytes.data(), tok_bytes.size());
  h.update_u64(files);
  return h;
}

namespace {

// An exclusive flock(2) on PATH for the lifetime of the object ("" = none).
class FileLock {
 public:
  FileLock(const std::string& path, const std::function<void()>& on_wait) {
    if (path.empty()) return;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw file_error(path, std::string("cannot create lock file: ") + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    on_wait();
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw file_error(path, std::string("cannot lock: ") + std::strerror(errno));
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

// Encodes chunks of lines on worker threads; the caller reads the files and writes the results in
// order, so the shard does not depend on the thread count. At most 2 chunks per worker are in
// flight: memory is bounded whatever the corpus size.
class ParallelEncoder {
 public:
  // on_written(source bytes encoded so far): called in order as chunks reach the shard.
  ParallelEncoder(const std::vector<uint8_t>& tok_bytes, int threads, ShardWriter& out,
                  std::function<void(uint64_t)> on_written)
      : out_(out), on_written_(std::move(on_written)) {
    for (int i = 0; i < threads; ++i) toks_.push_back(Tokenizer::from_bytes(tok_bytes));  // one each: no shared state
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { work(toks_[size_t(i)]); });
    max_in_flight_ = size_t(2 * threads);
  }
  ~ParallelEncoder() {
    {
      std::lock_guard<std::mutex> lk(m_);
      closing_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  // text: lines joined by '\n'; source_end: corpus bytes read up to its end
  // Takes the text (leaves `text` empty).
  void submit(std::string& text, uint64_t source_end) {
    drain(false);
    std::lock_guard<std::mutex> lk(m_);
    chunks_[submitted_].text.swap(text);
    chunks_[submitted_].source_end = source_end;
    queue_.push_back(submitted_++);
    work_cv_.notify_one();
  }
  void finish() { drain(true); }

 private:
  struct Chunk {
    std::string text;
    std::vector<uint32_t> ids;
    uint64_t source_end = 0;
    bool done = false;
  };

  void work(const Tokenizer& tok) {
    for (;;) {
      size_t idx;
      std::string text;
      {
        std::unique_lock<std::mutex> lk(m_);
        work_cv_.wait(lk, [&] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        idx = queue_.front();
        queue_.pop_front();
        text = std::move(chunks_[idx].text);
      }
      std::vector<uint32_t> ids;
      std::exception_ptr err;
      try {
        size_t a = 0;
        while (a < text.size()) {
          size_t b = text.find('\n', a);
          if (b == std::string::npos) b = text.size();
          for (int id : tok.encode(text.substr(a, b - a))) ids.push_back(uint32_t(id));
          a = b + 1;
        }
      } catch (...) {
        err = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lk(m_);
        auto& c = chunks_[idx];
        c.ids = std::move(ids);
        c.done = true;
        if (err && !err_) err_ = err;
      }
      done_cv_.notify_all();
    }
  }

  // Writes finished chunks in order; waits until fewer than max_in_flight_ remain (or none).
  void drain(bool all) {
    std::unique_lock<std::mutex> lk(m_);
    for (;;) {
      if (err_) std::rethrow_exception(err_);
      while (written_ < submitted_ && chunks_[written_].done) {
        std::vector<uint32_t> ids = std::move(chunks_[written_].ids);
        const uint64_t source_end = chunks_[written_].source_end;
        chunks_.erase(written_++);
        lk.unlock();
        out_.append(ids.data(), ids.size());
        if (on_written_) on_written_(source_end);
        lk.lock();
      }
      const size_t in_flight = submitted_ - written_;
      if (all ? in_flight == 0 : in_flight < max_in_flight_) return;
      done_cv_.wait(lk);
    }
  }

  ShardWriter& out_;
  std::function<void(uint64_t)> on_written_;
  std::vector<Tokenizer> toks_;
  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<size_t> queue_;
  std::map<size_t, Chunk> chunks_;
  size_t submitted_ = 0, written_ = 0, max_in_flight_ = 2;
  bool closing_ = false;
  std::exception_ptr err_;
};

}  // namespace

// CACHE.json beside a shard: which files, in which order, made this split.
static void write_manifest(const std::string& cache, const TokenView& v, const std::vector<CorpusFile>& files) {
  nlohmann::json j = describe(v);
  j["shard"] = fs::path(cache).filename().string();
  auto& list = j["file_list"] = nlohmann::json::array();
  for (const auto& f : files) list.push_back({{"path", f.path}, {"bytes", f.bytes}});
  write_file_atomic(cache + ".json", j.dump(1) + "\n");
}

TokenView encode_corpus(const std::vector<std::string>& names, const Tokenizer& tok,
                        const std::vector<uint8_t>& tok_bytes, const std::string& cache, const LogFn& log,
                        int threads) {
  if (names.empty()) throw InputError("corpus: no files given");
  std::vector<CorpusFile> files;
  uint64_t total = 0;
  for (const auto& n : names) {
    struct stat st {};
    if (::stat(n.c_str(), &st) != 0) throw file_error(n, std::string("corpus file not found: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw file_error(n, "not a regular file");
    files.push_back({n, uint64_t(st.st_size)});
    total += uint64_t(st.st_size);
  }
  const std::string what = names.size() == 1 ? names.front() : names.front() + " and " + std::to_string(names.size() - 1) + " more";
  const std::string split = cache.empty() ? "" : fs::path(cache).stem().string();
  const std::string label = split.empty() ? "tokens" : "tokens (" + split + ")";

  // The key first: a changed byte anywhere means a new shard, whatever the sizes.
  const auto t0 = std::chrono::steady_clock::now();
  std::array<uint8_t, 32> key{};
  {
    ContentHash h;
    start_key(h, tok_bytes, files.size());
    for (const auto& f : files) {
      h.update_u64(f.bytes);
      if (hash_file(f, h) != f.bytes) throw file_error(f.path, "changed size while being read");
    }
    key = h.digest();
  }
  // Ranks of one job share the run directory: the first builds the shard, the others wait for it
  // here and then reuse it.
  FileLock lock(cache.empty() ? "" : cache + ".lock", [&] { log(label + ": waiting for another process to finish " + cache); });
  if (!cache.empty() && fs::exists(cache)) {
    ShardHeader old;
    if (!read_shard_header(cache, old)) {
      log(label + ": " + cache + " is in an older format: rebuilding");
    } else if (old.content_hash == key) {
      TokenView v = TokenView::open(cache);
      if (v.header().vocab_size != uint32_t(tok.vocab_size()))
        throw file_error(cache, "token shard says vocabulary " + std::to_string(v.header().vocab_size) + " but the tokenizer has " +
                                    std::to_string(tok.vocab_size()) + " (delete it to rebuild)");
      log(label + ": reusing " + cache + " (" + std::to_string(v.size()) + " tokens, content " + hex(key).substr(0, 12) + ")");
      return v;
    } else {
      log(label + ": corpus or tokenizer changed since " + cache + " was made: rebuilding");
    }
  }

  // Encode into the cache path, or into a temp file that is unlinked once mapped.
  std::string target = cache;
  if (target.empty()) {
    static std::atomic<int> serial{0};
    target = (fs::temp_directory_path() / ("wfc-tokens." + std::to_string(::getpid()) + "." + std::to_string(serial++))).string();
  }
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  ShardHeader h;
  h.vocab_size = uint32_t(tok.vocab_size());
  h.files = uint32_t(files.size());
  h.split = split;
  ShardWriter writer(target, h);
  ContentHash again;
  start_key(again, tok_bytes, files.size());
  uint64_t done_bytes = 0;
  const auto t1 = std::chrono::steady_clock::now();
  auto last_report = t1;
  auto progress = [&](uint64_t at) {
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_report).count() < 2.0) return;
    last_report = now;
    const double rate = double(at) / std::max(1e-9, std::chrono::duration<double>(now - t1).count());
    log(label + ": " + mb(at) + " of " + mb(total) + " (" + std::to_string(int(100.0 * double(at) / double(std::max<uint64_t>(1, total)))) +
        "%), " + mb(uint64_t(rate)) + "/s, " + std::to_string(writer.count()) + " tokens so far");
  };
  {
    ParallelEncoder enc(tok_bytes, threads, writer, progress);
    std::string chunk, line;
    for (const auto& f : files) {
      again.update_u64(f.bytes);
      LineReader reader(f, kMaxLine, &again);
      while (reader.next(line)) {
        if (line.empty()) continue;
        if (!chunk.empty()) chunk += '\n';
        chunk += line;
        if (chunk.size() >= kChunkBytes) {
          enc.submit(chunk, done_bytes + reader.bytes_read());
        }
      }
      if (reader.bytes_read() != f.bytes) throw file_error(f.path, "changed size while being read");
      done_bytes += f.bytes;
    }
    if (!chunk.empty()) enc.submit(chunk, done_bytes);
    enc.finish();
  }
  if (again.digest() != key) throw file_error(what, "the corpus changed while it was being tokenised; run again");
  if (writer.count() == 0) throw file_error(what, "the corpus holds no text");
  writer.commit(total, key);
  TokenView v = TokenView::open(target);
  if (cache.empty()) ::unlink(target.c_str());  // the mapping keeps it until the view goes
  else write_manifest(cache, v, files);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const double hash_secs = std::chrono::duration<double>(t1 - t0).count();
  log(label + ": encoded " + std::to_string(v.size()) + " tokens from " + std::to_string(files.size()) + " file(s), " + mb(total) +
      " in " + fixed1(secs) + " s (" +
      mb(uint64_t(double(total) / std::max(1e-9, secs))) + "/s, " + std::to_string(threads) + " threads; hashing " +
      std::to_string(int(hash_secs * 1000)) + " ms)" + (cache.empty() ? "" : " -> " + cache));
  return v;
}

nlohmann::json describe(const TokenView& t) {
  const auto& h = t.header();
  return {{"split", h.split}, {"files", h.files}, {"bytes", h.source_bytes}, {"tokens", h.count},
          {"vocab_size", h.vocab_size}, {"token_bytes", h.width}, {"content_sha256", hex(h.content_hash)}};
}

}  // namespace wfc
