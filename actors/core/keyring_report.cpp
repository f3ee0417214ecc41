#include "actors/core/keyring_report.hpp"

#include <algorithm>

namespace onevalue {

bool all_succeeded(const keyring_report& r) {
  return std::all_of(r.nodes.begin(), r.nodes.end(), [](const node_keyring_answer& n) {
    return n.answer && succeeded(n.answer->outcome);
  });
}

std::vector<cluster_key> keys_by_holders(const keyring_report& r) {
  std::vector<cluster_key> out;
  for (const auto& n : r.nodes) {
    if (!n.answer)
      continue;
    for (const auto& k : n.answer->keys) {
      auto it = std::find_if(out.begin(), out.end(), [&](const cluster_key& c) {
        return c.fingerprint == k.fingerprint;
      });
      if (it == out.end())
        it = out.insert(out.end(), cluster_key{k.fingerprint, 0, 0});
      ++it->members;
      if (k.primary)
        ++it->primary_on;
    }
  }
  return out;
}

} // namespace onevalue
