#include "http/api/json_codec.hpp"

#include <algorithm>

namespace onevalue {

void to_json(nlohmann::json& j, const version& x) {
  j = nlohmann::json{{"counter", x.counter}, {"node", x.node}};
}

void to_json(nlohmann::json& j, const versioned_value& x) {
  j = nlohmann::json{{"value", x.value}, {"version", x.ver}, {"index", x.ver.counter}};
}

void to_json(nlohmann::json& j, const member_info& x) {
  j = nlohmann::json{{"name", x.name},
                     {"address", x.address},
                     {"cluster_port", x.cluster_port},
                     {"http_port", x.http_port},
                     {"state", to_string(x.state)},
                     {"incarnation", x.incarnation}};
}

nlohmann::json members_to_json(const member_list& members) {
  std::vector<const member_info*> sorted;
  sorted.reserve(members.size());
  for (const auto& m : members)
    sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const member_info* a, const member_info* b) { return a->name < b->name; });
  auto out = nlohmann::json::array();
  for (const auto* m : sorted)
    out.push_back(*m);
  return out;
}

nlohmann::json health_to_json(const node_view& view, const health_report& report) {
  const auto& c = report.members;
  nlohmann::json j{{"status", to_string(report.status)},
                   {"node", view.node_name},
                   {"synchronized", view.synchronized},
                   {"members",
                    {{"alive", c.alive},
                     {"suspect", c.suspect},
                     {"failed", c.failed},
                     {"left", c.left}}}};
  if (!report.reason.empty())
    j["reason"] = report.reason;
  return j;
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_body(const nlohmann::json& j) {
  auto body = dump_json(j);
  body += '\n';
  return body;
}

std::string error_body(const std::string& message) {
  return json_body(nlohmann::json{{"error", message}});
}

} // namespace onevalue
