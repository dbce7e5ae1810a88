#include "viz/data_out.h"

#include <cstdio>

namespace wfc::viz {

std::vector<std::string> token_texts(const std::vector<int32_t>& ids, const std::vector<std::string>* vocab) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int32_t t : ids)
    out.push_back(vocab && t >= 0 && size_t(t) < vocab->size() ? (*vocab)[size_t(t)] : std::string("?"));
  return out;
}

// A filler (model/trace.h topk_filler) is written with no text, so a reader never sees '<unk>',
// '<s>' ... as a row's guesses.
static bool filler(const StepReport& r, size_t e) { return e < r.topk_probs.size() && topk_filler(r.topk_probs[e]); }

void add_token_texts(nlohmann::json& j, const StepReport& r, const std::vector<std::string>* vocab) {
  j["argmax_text"] = token_texts(r.argmax, vocab);
  auto top = token_texts(r.topk_ids, vocab);
  for (size_t e = 0; e < top.size(); ++e)
    if (filler(r, e)) top[e].clear();
  j["topk_text"] = std::move(top);
}

nlohmann::json rows_json(const StepReport& r, int64_t offset, const std::vector<std::string>* vocab) {
  nlohmann::json rows = nlohmann::json::array();
  const size_t k = size_t(r.k);
  for (int i = 0; i < r.length; ++i) {
    const size_t u = size_t(i);
    nlohmann::json top = nlohmann::json::array();
    for (size_t c = 0; c < k && u * k + c < r.topk_ids.size(); ++c) {
      if (filler(r, u * k + c)) break;  // sorted: the rest are fillers too
      const int32_t id = r.topk_ids[u * k + c];
      top.push_back({{"id", id}, {"text", token_texts({id}, vocab)[0]}, {"p", r.topk_probs[u * k + c]}});
    }
    rows.push_back({{"position", offset + i},
                    {"row", i},
                    {"status", status_name(RowStatus(r.status.at(u)))},
                    {"entropy", r.entropy.at(u)},
                    {"alpha", u < r.alpha.size() ? r.alpha[u] : 0.0f},
                    {"argmax", {{"id", r.argmax.at(u)}, {"text", token_texts({r.argmax.at(u)}, vocab)[0]}}},
                    {"topk", top},
                    {"ran", r.unrun_from < 0 || i < r.unrun_from}});
  }
  return {{"iteration", r.iteration}, {"offset", offset}, {"n_past", r.n_past},
          {"length", r.length},       {"k", r.k},           {"rows", rows}};
}

static std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
    return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

static std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

std::string rows_csv(const StepReport& r, int64_t offset, const std::vector<std::string>* vocab) {
  std::string out = "position,row,status,entropy,alpha,argmax_id,argmax_text";
  for (int c = 1; c <= r.k; ++c) {
    const std::string n = std::to_string(c);
    out += ",top" + n + "_id,top" + n + "_text,top" + n + "_p";
  }
  out += "\n";
  const size_t k = size_t(r.k);
  for (int i = 0; i < r.length; ++i) {
    const size_t u = size_t(i);
    out += std::to_string(offset + i) + "," + std::to_string(i) + "," + status_name(RowStatus(r.status.at(u))) + "," +
           num(r.entropy.at(u)) + "," + num(u < r.alpha.size() ? r.alpha[u] : 0.0f) + "," +
           std::to_string(r.argmax.at(u)) + "," + csv_field(token_texts({r.argmax.at(u)}, vocab)[0]);
    for (size_t c = 0; c < k; ++c) {
      const int32_t id = r.topk_ids.at(u * k + c);
      const std::string text = filler(r, u * k + c) ? "" : token_texts({id}, vocab)[0];
      out += "," + std::to_string(id) + "," + csv_field(text) + "," + num(r.topk_probs.at(u * k + c));
    }
    out += "\n";
  }
  return out;
}

std::string json_text(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wfc::viz
