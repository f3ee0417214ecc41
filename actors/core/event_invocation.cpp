#include "actors/core/event_invocation.hpp"

namespace onevalue {

std::string format_event_version(const version& v) {
  return std::to_string(v.counter) + "-" + v.node;
}

std::string event_input(const event_batch& batch) {
  if (batch.type == event_type::value)
    return std::to_string(batch.value.value) + "\t"
           + format_event_version(batch.value.ver) + "\n";
  std::string out;
  for (const auto& m : batch.members)
    out += m.name + "\t" + m.address + ":" + std::to_string(m.cluster_port) + "\t"
           + to_string(m.state) + "\t" + std::to_string(m.incarnation) + "\n";
  return out;
}

std::vector<handler_job>
event_invocations(const event_batch& batch,
                  const std::vector<event_handler_spec>& handlers,
                  const member_info& self) {
  std::vector<std::pair<std::string, std::string>> env{
      {"ONEVALUE_EVENT", to_string(batch.type)},
      {"ONEVALUE_SELF_NAME", self.name},
      {"ONEVALUE_SELF_ADDRESS", self.address + ":" + std::to_string(self.cluster_port)}};
  if (batch.type == event_type::value) {
    env.emplace_back("ONEVALUE_VALUE", std::to_string(batch.value.value));
    env.emplace_back("ONEVALUE_VERSION", format_event_version(batch.value.ver));
  } else {
    env.emplace_back("ONEVALUE_MEMBER_COUNT", std::to_string(batch.members.size()));
  }
  auto input = event_input(batch);
  std::vector<handler_job> jobs;
  for (const auto& h : handlers)
    if (h.handles(batch.type))
      jobs.push_back({batch.type, h.command, input, env});
  return jobs;
}

} // namespace onevalue
