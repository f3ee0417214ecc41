#include "actors/core/consensus_settings.hpp"

#include <algorithm>
#include <set>

namespace onevalue {

consensus_settings node_consensus_settings(std::chrono::milliseconds request_timeout,
                                           bool has_data_dir) {
  consensus_settings s;
  auto margin = std::chrono::milliseconds{200};
  s.operation_timeout = std::max(s.round_timeout, request_timeout - margin);
  s.thrifty_accepts = has_data_dir;
  return s;
}

std::optional<std::string> validate_consensus_settings(const consensus_settings& s) {
  using std::chrono::milliseconds;
  if (s.round_timeout <= milliseconds{0})
    return "round timeout must be positive";
  if (s.operation_timeout < s.round_timeout)
    return "operation timeout must be at least one round timeout";
  if (s.retry_backoff_min <= milliseconds{0} || s.retry_backoff_max < s.retry_backoff_min)
    return "retry backoff needs 0 < minimum <= maximum";
  if (s.batch_gather < std::chrono::microseconds{0} || s.batch_gather > s.round_timeout)
    return "batch gather must be between 0 and the round timeout";
  if (s.accept_widen_min <= std::chrono::microseconds{0}
      || s.accept_widen_max < s.accept_widen_min || s.accept_widen_max >= s.round_timeout)
    return "accept widening needs 0 < minimum <= maximum < round timeout";
  if (s.full_accept_every == 0)
    return "full_accept_every must be positive";
  if (s.max_batch_operations == 0 || s.max_queued_operations == 0)
    return "batch and queue limits must be positive";
  if (s.tracked_proposers == 0 || s.tracked_proposers > max_tracked_proposers)
    return "tracked proposers must be 1.." + std::to_string(max_tracked_proposers);
  return std::nullopt;
}

std::optional<std::string> validate_voters(const std::vector<std::string>& voters) {
  if (voters.empty() || voters.size() > 7 || voters.size() % 2 == 0)
    return "expected an odd number of voters, 1 to 7, got "
           + std::to_string(voters.size());
  std::set<std::string> seen;
  for (const auto& v : voters) {
    if (v.empty() || v.size() > max_node_name_length)
      return "a voter name must have 1 to 64 bytes";
    if (!seen.insert(v).second)
      return "voter " + v + " is listed twice";
  }
  return std::nullopt;
}

} // namespace onevalue
