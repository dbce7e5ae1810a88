// Checkpoint files: bit-exact round trip, and every kind of bad file rejected with a clear message.
#include <fstream>

#include "model/file_io.h"
#include "model/safetensors.h"
#include "test_util.h"

using namespace wfc;
using namespace wfc::test;

namespace {

std::vector<uint8_t> bytes_of(const std::string& p) { return read_file_bytes(p); }
void write_bytes(const std::string& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), b.size());
}

// Saves a valid checkpoint, lets `edit` change the container, writes it back.
template <class Edit>
std::string edited_checkpoint(const std::string& dir, Edit edit) {
  const std::string p = dir + "/edited.safetensors";
  save_checkpoint(p, tiny_checkpoint());
  st::File f = st::load(p);
  edit(f);
  st::save(p, f);
  return p;
}

}  // namespace

TEST(Checkpoint, RoundTripIsBitExact) {
  const std::string dir = temp_dir(), p = dir + "/ck.safetensors";
  Checkpoint a = tiny_checkpoint();
  save_checkpoint(p, a);
  Checkpoint b = load_checkpoint(p);
  EXPECT_EQ(nlohmann::json(a.model), nlohmann::json(b.model));
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.tokens_seen, b.tokens_seen);
  EXPECT_EQ(a.tokenizer, b.tokenizer);
  ASSERT_EQ(a.params.size(), b.params.size());
  for (const auto& [name, t] : a.params) {
    ASSERT_TRUE(b.params.count(name)) << name;
    const auto& u = b.params.at(name);
    ASSERT_EQ(t.sizes(), u.sizes()) << name;
    EXPECT_EQ(std::memcmp(t.data_ptr<float>(), u.data_ptr<float>(), t.numel() * 4), 0) << name;
  }
  // Saving what was loaded reproduces the file byte for byte.
  save_checkpoint(dir + "/again.safetensors", b);
  EXPECT_EQ(bytes_of(p), bytes_of(dir + "/again.safetensors"));
  // No temp file is left behind.
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) n += e.path().string().find(".tmp.") != std::string::npos;
  EXPECT_EQ(n, 0);
}

TEST(Checkpoint, HeaderFollowsSafetensorsLayout) {
  const std::string p = temp_dir() + "/ck.safetensors";
  save_checkpoint(p, tiny_checkpoint());
  auto b = bytes_of(p);
  uint64_t hn = 0;
  for (int i = 0; i < 8; ++i) hn |= uint64_t(b[i]) << (8 * i);
  EXPECT_EQ(hn % 8, 0u);  // 8-byte aligned data section
  auto h = nlohmann::json::parse(b.begin() + 8, b.begin() + 8 + hn);
  EXPECT_EQ(h["__metadata__"]["format"], "wfc-checkpoint");
  EXPECT_EQ(h["__metadata__"]["format_version"], "1");
  EXPECT_EQ(h["wte.weight"]["dtype"], "F32");
  EXPECT_EQ(h["tokenizer.model"]["dtype"], "U8");
}

TEST(Checkpoint, RejectsTruncatedFiles) {
  const std::string dir = temp_dir(), p = dir + "/ck.safetensors";
  save_checkpoint(p, tiny_checkpoint());
  const auto b = bytes_of(p);
  uint64_t hn = 0;
  for (int i = 0; i < 8; ++i) hn |= uint64_t(b[i]) << (8 * i);
  const std::string t = dir + "/t.safetensors";
  for (size_t cut : {size_t(0), size_t(5), size_t(8 + hn / 2), size_t(8 + hn + 10), b.size() - 1}) {
    write_bytes(t, std::vector<uint8_t>(b.begin(), b.begin() + cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_input_error([&] { load_checkpoint(t); }, {t});
  }
}

TEST(Checkpoint, RejectsBadMagicAndHeaderLength) {
  const std::string dir = temp_dir(), p = dir + "/ck.safetensors";
  save_checkpoint(p, tiny_checkpoint());
  auto b = bytes_of(p);
  auto huge = b;
  for (int i = 0; i < 8; ++i) huge[i] = 0xff;
  write_bytes(p, huge);
  expect_input_error([&] { load_checkpoint(p); }, {p, "header length"});
  auto past = b;
  const uint64_t too_long = b.size();  // header claims more bytes than the file has
  for (int i = 0; i < 8; ++i) past[i] = uint8_t(too_long >> (8 * i));
  write_bytes(p, past);
  expect_input_error([&] { load_checkpoint(p); }, {p, "past the end"});
  auto notjson = b;
  notjson[8] = 'P';  // a pickle or zip would start otherwise
  write_bytes(p, notjson);
  expect_input_error([&] { load_checkpoint(p); }, {p, "not a safetensors file"});
  write_bytes(p, {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
  expect_input_error([&] { load_checkpoint(p); }, {p});
}

TEST(Checkpoint, RejectsOffsetsPastTheEndAndOverlaps) {
  const std::string dir = temp_dir(), p = dir + "/ck.safetensors";
  save_checkpoint(p, tiny_checkpoint());
  auto b = bytes_of(p);
  uint64_t hn = 0;
  for (int i = 0; i < 8; ++i) hn |= uint64_t(b[i]) << (8 * i);
  auto h = nlohmann::json::parse(b.begin() + 8, b.begin() + 8 + hn);
  auto rewrite = [&](const nlohmann::json& nh) {
    std::string s = nh.dump();
    s.append((8 - s.size() % 8) % 8, ' ');
    std::vector<uint8_t> out(8);
    for (int i = 0; i < 8; ++i) out[i] = uint8_t(uint64_t(s.size()) >> (8 * i));
    out.insert(out.end(), s.begin(), s.end());
    out.insert(out.end(), b.begin() + 8 + hn, b.end());
    write_bytes(p, out);
  };
  auto h1 = h;
  h1["ln_f.bias"]["data_offsets"][1] = 1ull << 40;
  rewrite(h1);
  expect_input_error([&] { load_checkpoint(p); }, {p, "ln_f.bias"});
  auto h2 = h;
  h2["ln_f.bias"]["data_offsets"] = h["ln_f.weight"]["data_offsets"];
  rewrite(h2);
  expect_input_error([&] { load_checkpoint(p); }, {p, "overlap"});
  auto h3 = h;
  h3["ln_f.bias"]["shape"] = {-1};
  rewrite(h3);
  expect_input_error([&] { load_checkpoint(p); }, {p, "ln_f.bias"});
}

TEST(Checkpoint, RejectsWrongDtypeAndShape) {
  const std::string dir = temp_dir();
  auto p = edited_checkpoint(dir, [](st::File& f) {
    auto& t = f.tensors.at("ln_f.weight");
    t.dtype = "F16";
    t.data.resize(t.data.size() / 2);
  });
  expect_input_error([&] { load_checkpoint(p); }, {p, "ln_f.weight", "F16"});
  p = edited_checkpoint(dir, [](st::File& f) {
    auto& t = f.tensors.at("ln_f.weight");
    t.shape = {int64_t(t.data.size() / 8), 2};
  });
  expect_input_error([&] { load_checkpoint(p); }, {p, "ln_f.weight", "shape"});
}

TEST(Checkpoint, RejectsNewerVersionWithAHint) {
  auto p = edited_checkpoint(temp_dir(), [](st::File& f) { f.metadata["format_version"] = "2"; });
  expect_input_error([&] { load_checkpoint(p); }, {p, "newer", "update wfc"});
}

TEST(Checkpoint, RejectsMissingAndUnexpectedTensors) {
  const std::string dir = temp_dir();
  auto p = edited_checkpoint(dir, [](st::File& f) { f.tensors.erase("h.1.mlp_fc.weight"); });
  expect_input_error([&] { load_checkpoint(p); }, {p, "missing tensor 'h.1.mlp_fc.weight'"});
  p = edited_checkpoint(dir, [](st::File& f) { f.tensors.erase("tokenizer.model"); });
  expect_input_error([&] { load_checkpoint(p); }, {p, "tokenizer.model"});
  p = edited_checkpoint(dir, [](st::File& f) { f.tensors["h.9.extra"] = f.tensors.at("ln_f.bias"); });
  expect_input_error([&] { load_checkpoint(p); }, {p, "unexpected tensor 'h.9.extra'"});
}

TEST(Checkpoint, RejectsBadMetadata) {
  const std::string dir = temp_dir();
  auto p = edited_checkpoint(dir, [](st::File& f) { f.metadata.erase("format"); });
  expect_input_error([&] { load_checkpoint(p); }, {p, "not a wfc checkpoint"});
  p = edited_checkpoint(dir, [](st::File& f) { f.metadata["model_config"] = "{not json"; });
  expect_input_error([&] { load_checkpoint(p); }, {p, "model_config: not valid JSON"});
  p = edited_checkpoint(dir, [](st::File& f) {
    auto j = nlohmann::json::parse(f.metadata["model_config"]);
    j["n_head"] = 3;  // 32 does not divide by 3
    f.metadata["model_config"] = j.dump();
  });
  expect_input_error([&] { load_checkpoint(p); }, {p, "n_head"});
  p = edited_checkpoint(dir, [](st::File& f) {
    auto j = nlohmann::json::parse(f.metadata["model_config"]);
    j["n_embd"] = 64;  // shapes no longer match
    f.metadata["model_config"] = j.dump();
  });
  expect_input_error([&] { load_checkpoint(p); }, {p, "shape"});
  p = edited_checkpoint(dir, [](st::File& f) { f.metadata["step"] = "twelve"; });
  expect_input_error([&] { load_checkpoint(p); }, {p, "step"});
  p = edited_checkpoint(dir, [](st::File& f) {
    auto& t = f.tensors.at("tokenizer.model");
    std::fill(t.data.begin(), t.data.end(), 0x5a);
  });
  expect_input_error([&] { load_checkpoint(p); }, {p, "tokenizer"});
}

TEST(Checkpoint, FailedSaveLeavesOldFileAndNoTemp) {
  const std::string dir = temp_dir();
  expect_input_error([&] { save_checkpoint(dir + "/no/such/dir/ck.safetensors", tiny_checkpoint()); },
                     {"no/such/dir"});
  // Renaming onto a directory fails: the directory is untouched and no temp file remains.
  std::filesystem::create_directories(dir + "/occupied.safetensors");
  expect_input_error([&] { save_checkpoint(dir + "/occupied.safetensors", tiny_checkpoint()); },
                     {"occupied.safetensors"});
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/occupied.safetensors"));
  for (auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}
