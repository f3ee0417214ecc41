#include "actors/core/consensus_fanout.hpp"

#include "actors/core/consensus_ballot.hpp"

#include <algorithm>

namespace onevalue {

accept_fanout::accept_fanout(const std::string& self, std::vector<std::string> voters,
                             const consensus_settings& settings)
    : by_recency_(std::move(voters)), quorum_(quorum_size(by_recency_.size())),
      thrifty_(settings.thrifty_accepts), widen_min_(settings.accept_widen_min),
      widen_max_(settings.accept_widen_max), full_every_(settings.full_accept_every) {
  // Until voters have answered, this node's own acceptor comes first (a proposer that
  // is no voter keeps the listed order).
  granted(self);
}

std::vector<std::string> accept_fanout::next_accept_voters() {
  ++accepts_;
  if (!thrifty_ || !smoothed_ || accepts_ % full_every_ == 0)
    return by_recency_;
  return {by_recency_.begin(),
          by_recency_.begin()
              + static_cast<std::ptrdiff_t>(std::min(quorum_, by_recency_.size()))};
}

void accept_fanout::granted(const std::string& voter) {
  auto it = std::find(by_recency_.begin(), by_recency_.end(), voter);
  if (it != by_recency_.end())
    std::rotate(by_recency_.begin(), it, it + 1);
}

void accept_fanout::observe_accept_phase(time_point::duration took) {
  took = std::max(took, time_point::duration::zero());
  // An exponentially weighted mean with weight 1/8 for the newest phase (as TCP's
  // smoothed round-trip time): one slow round moves it by an eighth.
  smoothed_ = smoothed_ ? *smoothed_ + (took - *smoothed_) / 8 : took;
}

time_point::duration accept_fanout::widen_after() const {
  auto wait = smoothed_ ? 2 * *smoothed_ : widen_max_;
  return std::clamp(wait, widen_min_, widen_max_);
}

} // namespace onevalue
