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

nlohmann::json health_to_json(const node_view& view) {
  int alive = 0, suspect = 0, failed = 0, left = 0;
  for (const auto& m : view.members) {
    switch (m.state) {
    case member_state::alive:
      ++alive;
      break;
    case member_state::suspect:
      ++suspect;
      break;
    case member_state::failed:
      ++failed;
      break;
    case member_state::left:
      ++left;
      break;
    }
  }
  return {{"status", "ok"},
          {"node", view.node_name},
          {"synchronized", view.synchronized},
          {"members",
           {{"alive", alive}, {"suspect", suspect}, {"failed", failed}, {"left", left}}}};
}

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string error_body(const std::string& message) {
  return dump_json(nlohmann::json{{"error", message}});
}

} // namespace onevalue
