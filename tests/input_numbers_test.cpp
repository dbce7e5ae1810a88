// The strict number parser and the typed JSON reads: every way a number can be wrong is an error
// that names the option or field and the allowed range; nothing wraps, nothing is truncated.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/errors.h"
#include "model/json_io.h"
#include "model/numbers.h"
#include "model/train_config.h"
#include "app/session_script.h"

namespace {

using nlohmann::json;
using namespace wfc;

// The message of the InputError f throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Numbers, IntegersAreWholeInRangeAndNeverWrap) {
  EXPECT_EQ(num::parse_int("42", "x"), 42);
  EXPECT_EQ(num::parse_int("-7", "x", {-10, 10}), -7);
  EXPECT_EQ(num::parse_int("9223372036854775807", "x"), INT64_MAX);
  for (const char* bad : {"", " 42", "42 ", "42x", "4.0", "1e3", "+5", "0x10", "--1", "two"})
    EXPECT_EQ(error_of([&] { num::parse_int(bad, "option --n", {0, 100}); }),
              std::string("option --n: expected an integer in [0, 100], got '") + bad + "'")
        << bad;
  EXPECT_EQ(error_of([] { num::parse_int("9223372036854775808", "option --n"); }),
            "option --n: expected an integer in [..., ...), got '9223372036854775808' (too large)");
  EXPECT_EQ(error_of([] { num::parse_int("2147483648", "option --tokens", {0, INT32_MAX}); }),
            "option --tokens: expected an integer in [0, 2147483647], got '2147483648'");
  EXPECT_EQ(error_of([] { num::parse_int("-1", "option --top-k", {0, INT64_MAX}); }),
            "option --top-k: expected an integer in [0, ...), got '-1'");
}

TEST(Numbers, UnsignedSeedsUseAll64Bits) {
  EXPECT_EQ(num::parse_uint("18446744073709551615", "s"), UINT64_MAX);
  EXPECT_NE(error_of([] { num::parse_uint("18446744073709551616", "option --seed"); }).find("too large"), std::string::npos);
  EXPECT_NE(error_of([] { num::parse_uint("-1", "option --seed"); }).find("option --seed"), std::string::npos);
}

TEST(Numbers, FloatsAreFiniteAndInsideOpenOrClosedRanges) {
  EXPECT_DOUBLE_EQ(num::parse_float("0.8", "x", num::at_least(0)), 0.8);
  EXPECT_DOUBLE_EQ(num::parse_float("1e-3", "x", num::above(0)), 1e-3);
  EXPECT_DOUBLE_EQ(num::parse_float("1", "x", {0, 1, true, false}), 1.0);
  EXPECT_EQ(error_of([] { num::parse_float("2", "option --top-p", {0, 1, true, false}); }),
            "option --top-p: expected a number in (0, 1], got '2'");
  EXPECT_EQ(error_of([] { num::parse_float("0", "option --top-p", {0, 1, true, false}); }),
            "option --top-p: expected a number in (0, 1], got '0'");
  EXPECT_EQ(error_of([] { num::parse_float("-1", "option --temperature", num::at_least(0)); }),
            "option --temperature: expected a number in [0, inf), got '-1'");
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "infinity", "1e999"})
    EXPECT_NE(error_of([&] { num::parse_float(bad, "option --tol", num::above(0)); }).find("a finite number in (0, inf)"),
              std::string::npos)
        << bad;
  for (const char* bad : {"", " 1", "1 ", "0.5.5", "1,5", "0x1p3x", "1e"})
    EXPECT_NE(error_of([&] { num::parse_float(bad, "x"); }), "") << bad;
}

TEST(Numbers, ErrorsNeverEchoMoreThanALine) {
  const std::string huge(1 << 20, '7');
  const std::string e = error_of([&] { num::parse_int(huge, "option --n", {0, 9}); });
  EXPECT_LT(e.size(), 120u) << e;
  EXPECT_NE(e.find("..."), std::string::npos);
}

TEST(Numbers, ThreadsAreBoundedByTheMachine) {
  const auto r = num::thread_range();
  EXPECT_EQ(r.lo, 1);
  EXPECT_GE(r.hi, 4);
  EXPECT_NE(error_of([&] { num::parse_int("100000", "option --threads", r); }), "");
}

TEST(JsonInput, TypesMustMatchTheField) {
  int i = 0;
  EXPECT_EQ(error_of([&] { json_get(json(true), "model config: n_layer", i, {1, 256}); }),
            "model config: n_layer: expected an integer in [1, 256], got true");
  EXPECT_EQ(error_of([&] { json_get(json(4.5), "f", i, {1, 256}); }), "f: expected an integer in [1, 256], got 4.5");
  EXPECT_EQ(error_of([&] { json_get(json("64"), "f", i, {1, 256}); }), "f: expected an integer in [1, 256], got \"64\"");
  // 4294967360 would be 64 in 32 bits; in an int field with no narrower range it is still refused.
  EXPECT_NE(error_of([&] { json_get(json(4294967360ull), "f", i, {}); }).find("got 4294967360"), std::string::npos);
  EXPECT_NE(error_of([&] { json_get(json(UINT64_MAX), "f", i, {}); }), "");
  json_get(json(64), "f", i, {1, 256});
  EXPECT_EQ(i, 64);
  uint64_t u = 0;
  EXPECT_NE(error_of([&] { json_get(json(-1), "seed", u); }), "");
  json_get(json(UINT64_MAX), "seed", u);
  EXPECT_EQ(u, UINT64_MAX);
  double d = 0;
  EXPECT_NE(error_of([&] { json_get(json("0.1"), "lr", d, num::above(0)); }).find("expected a number"), std::string::npos);
  json_get(json(3), "lr", d, num::above(0));  // an integer is a number
  EXPECT_EQ(d, 3.0);
  float f = 0;
  EXPECT_NE(error_of([&] { json_get(json(1e300), "rope_base", f, num::above(1)); }), "");  // not a float
  bool b = false;
  EXPECT_NE(error_of([&] { json_get(json(1), "held_embedding", b); }).find("true or false"), std::string::npos);
}

TEST(JsonInput, NestingIsBoundedBeforeParsing) {
  EXPECT_EQ(json_text_depth(R"({"a":[1,{"b":2}]})", 64), 3);
  EXPECT_EQ(json_text_depth(R"({"a":"[[[[{{{{\"[["})", 64), 1);  // brackets in strings do not count
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_json(ok, "x").is_array());
  const std::string deep = std::string(60000, '[') + std::string(60000, ']');
  EXPECT_EQ(error_of([&] { parse_json(deep, "ck: train_config"); }), "ck: train_config: JSON nests deeper than 64 levels");
  EXPECT_NE(error_of([&] { parse_json("{not json", "cfg.json"); }).find("cfg.json: not valid JSON"), std::string::npos);
}

TEST(JsonInput, ModelConfigRefusesWrapsAndTerabytes) {
  json j = ModelConfig{};
  j["n_embd"] = 4294967360ull;
  EXPECT_EQ(error_of([&] { j.get<ModelConfig>(); }), "model config: n_embd: expected an integer in [1, 16384], got 4294967360");
  ModelConfig c;
  c.n_embd = 16384;
  c.n_head = 128;
  c.n_layer = 256;
  EXPECT_NE(error_of([&] { c.validate(); }).find("parameters is more than this lab allows"), std::string::npos);
  c = ModelConfig{};
  c.n_layer = 0;
  EXPECT_EQ(error_of([&] { c.validate(); }), "model config: n_layer: expected an integer in [1, 256], got 0");
  EXPECT_EQ(error_of([] { ModelConfig{}.validate(); }), "");
}

TEST(JsonInput, TrainConfigRangesAndMemory) {
  json j = TrainConfig{};
  j["batch"] = true;
  EXPECT_NE(error_of([&] { j.get<TrainConfig>(); }).find("train config: batch: expected an integer"), std::string::npos);
  j = TrainConfig{};
  j["eta"] = 0;
  EXPECT_EQ(error_of([&] { j.get<TrainConfig>(); }), "train config: eta: expected a number in (0, 1], got 0");
  TrainConfig t;
  ModelConfig m;
  EXPECT_EQ(error_of([&] { check_train_fits(m, t, 8e9); }), "");  // the defaults fit in 8 GB
  t.batch = 1 << 20;
  const std::string e = error_of([&] { check_train_fits(m, t, 24e9); });
  EXPECT_NE(e.find("batch 1048576"), std::string::npos) << e;
  EXPECT_NE(e.find("more than this machine's 24.0 GB"), std::string::npos) << e;
  // Ranks on one machine share its memory: what fits one rank need not fit two.
  t = TrainConfig{};
  const double one = estimate_train_bytes(m, t);
  EXPECT_EQ(error_of([&] { check_train_fits(m, t, 1.5 * one, 1); }), "");
  const std::string e2 = error_of([&] { check_train_fits(m, t, 1.5 * one, 2); });
  EXPECT_NE(e2.find("per rank"), std::string::npos) << e2;
  char totals[160];
  std::snprintf(totals, sizeof totals, "needs about %.1f GB per rank, %.1f GB for the 2 ranks on this machine", one / 1e9,
                2 * one / 1e9);
  EXPECT_NE(e2.find(totals), std::string::npos) << e2;
  EXPECT_NE(e2.find("fewer ranks per machine"), std::string::npos) << e2;
}

TEST(ScriptInput, LongLinesAreReportedNotEchoed) {
  const std::string script = "prompt a\nprompt " + std::string(1 << 20, 'x') + "\nframe\n";
  try {
    viz::parse_script(script, "s.txt");
    FAIL() << "a 1 MB line parsed";
  } catch (const viz::ScriptError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m, "s.txt:2: the line is 1048583 bytes long; a script line holds at most 65536");
  }
  try {
    viz::parse_script("step " + std::string(5000, '9') + "\n", "s.txt");
    FAIL();
  } catch (const viz::ScriptError& e) {
    EXPECT_LT(std::string(e.what()).size(), 150u) << e.what();
  }
}

}  // namespace
