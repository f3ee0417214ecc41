#include "app/cli/cli_format.hpp"

#include <algorithm>
#include <vector>

namespace onevalue::cli {

namespace {

nlohmann::json filtered(const nlohmann::json& members, const std::string& state_filter) {
  auto out = nlohmann::json::array();
  for (const auto& m : members)
    if (state_filter.empty() || m.value("state", "") == state_filter)
      out.push_back(m);
  std::sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("name", "") < b.value("name", "");
  });
  return out;
}

} // namespace

std::string format_version(const nlohmann::json& value) {
  const auto& v = value.at("version");
  return std::to_string(v.at("counter").get<uint64_t>()) + "-"
         + v.at("node").get<std::string>();
}

std::string format_value_detailed(const nlohmann::json& value) {
  auto writer = value.at("version").at("node").get<std::string>();
  std::string out;
  out += "value         " + std::to_string(value.at("value").get<int64_t>()) + "\n";
  out += "version       " + format_version(value) + "\n";
  out += "writer        " + (writer.empty() ? std::string{"(initial value)"} : writer)
         + "\n";
  out += "index         " + std::to_string(value.at("index").get<uint64_t>()) + "\n";
  if (value.contains("synchronized"))
    out += std::string{"synchronized  "}
           + (value.at("synchronized").get<bool>() ? "true" : "false") + "\n";
  return out;
}

std::string format_members_table(const nlohmann::json& members,
                                 const std::string& state_filter) {
  std::vector<std::vector<std::string>> rows{
      {"NAME", "ADDRESS", "STATE", "INCARNATION", "HTTP"}};
  for (const auto& m : filtered(members, state_filter))
    rows.push_back(
        {m.value("name", ""),
         m.value("address", "") + ":" + std::to_string(m.value("cluster_port", 0)),
         m.value("state", ""), std::to_string(m.value("incarnation", uint64_t{0})),
         std::to_string(m.value("http_port", 0))});
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size())
        line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string format_members_json(const nlohmann::json& members,
                                const std::string& state_filter) {
  return filtered(members, state_filter).dump() + "\n";
}

} // namespace onevalue::cli
