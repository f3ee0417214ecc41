#include "actors/core/cluster_mode.hpp"

#include <algorithm>

namespace onevalue {

const char* to_string(consistency_mode mode) {
  return mode == consistency_mode::linearizable ? "linearizable" : "eventual";
}

bool parse_consistency_mode(const std::string& text, consistency_mode& out) {
  if (text == "eventual")
    out = consistency_mode::eventual;
  else if (text == "linearizable")
    out = consistency_mode::linearizable;
  else
    return false;
  return true;
}

uint64_t cluster_mode_digest(consistency_mode mode, std::vector<std::string> voters) {
  if (mode == consistency_mode::eventual)
    return 0;
  std::sort(voters.begin(), voters.end());
  constexpr uint64_t fnv_offset = 14695981039346656037ULL;
  constexpr uint64_t fnv_prime = 1099511628211ULL;
  uint64_t h = fnv_offset;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= fnv_prime;
    }
    // A separator no name contains, so ["ab", "c"] and ["a", "bc"] differ.
    h ^= 0xffU;
    h *= fnv_prime;
  };
  mix(to_string(mode));
  for (const auto& v : voters)
    mix(v);
  return h == 0 ? 1 : h;
}

std::string describe_cluster_mode(consistency_mode mode,
                                  const std::vector<std::string>& voters) {
  if (mode == consistency_mode::eventual)
    return "eventual";
  std::string out = "linearizable with voters ";
  for (std::size_t i = 0; i < voters.size(); ++i)
    out += (i == 0 ? "" : ", ") + voters[i];
  return out;
}

} // namespace onevalue
