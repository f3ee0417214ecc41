#pragma once
// A proposer test bench: three voters with instant disks, and proposers whose messages
// a test delivers in waves (consensus_proposer_test.cpp, consensus_gather_test.cpp).

#include "actors/core/consensus_acceptor.hpp"
#include "actors/core/consensus_proposer.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace onevalue::consensus_test {

inline const std::vector<std::string> voters{"a1", "a2", "a3"};

inline operation write(int64_t v) {
  return {operation_kind::write, v, {}};
}
inline operation add(int64_t d) {
  return {operation_kind::add, d, {}};
}
inline operation read() {
  return {operation_kind::read, 0, {}};
}
inline operation cas(version expected, int64_t v) {
  return {operation_kind::cas, v, expected};
}

inline std::map<std::string, consensus_acceptor> fresh_acceptors() {
  std::map<std::string, consensus_acceptor> out;
  for (const auto& v : voters)
    out.emplace(v, consensus_acceptor{});
  return out;
}

/// Three voters with instant disks, and proposers whose messages a test delivers in
/// waves (one wave: every request out, every reply back), dropping what it likes.
struct cluster {
  std::map<std::string, consensus_acceptor> acceptors = fresh_acceptors();
  consensus_settings settings;
  time_point now = time_point{} + std::chrono::hours{1};
  std::map<uint64_t, operation_result> results;
  std::vector<register_state> chosen;
  std::vector<proposal_record> proposals;
  /// What the proposers reported for metrics: committed batches, failed attempts.
  std::vector<committed_batch> committed;
  unsigned failed_attempts = 0;
  /// Accepts sent on to every voter (thrifty accepts).
  unsigned widened_accepts = 0;
  /// How long each wave of `pump` takes on the fake clock (0: instant rounds).
  time_point::duration round_trip{};
  /// Drops a request to a voter (true: dropped).
  std::function<bool(const consensus_send&)> drop_request = [](auto&) { return false; };
  /// Drops a reply from `voter` (true: dropped).
  std::function<bool(const std::string& voter, const consensus_message&)> drop_reply =
      [](auto&, auto&) { return false; };

  consensus_proposer make(const std::string& name, uint64_t epoch = 1) {
    return consensus_proposer{
        {name, epoch}, voters, initial_register_state(0), settings, 5};
  }

  /// Records answers and chosen states; returns the sends.
  std::vector<consensus_send> take(proposer_actions a) {
    for (auto& d : a.done) {
      CHECK(results.count(d.id) == 0); // each operation answered once
      results[d.id] = d.result;
    }
    if (a.chosen)
      chosen.push_back(*a.chosen);
    if (a.proposed)
      proposals.push_back(*a.proposed);
    // A commit is reported exactly with a chosen state of its own.
    CHECK(a.committed.has_value() == a.chosen.has_value());
    if (a.committed)
      committed.push_back(*a.committed);
    failed_attempts += a.failed_attempts;
    widened_accepts += a.widened_accepts;
    return std::move(a.sends);
  }

  /// Delivers one wave of `sends` of proposer `p` (every request out, every reply back);
  /// returns the follow-up sends.
  std::vector<consensus_send> step(consensus_proposer& p,
                                   const std::vector<consensus_send>& sends) {
    now += round_trip;
    std::vector<std::pair<std::string, consensus_message>> replies;
    for (auto& s : sends) {
      if (drop_request(s))
        continue;
      auto& acc = acceptors.at(s.to);
      auto out = acc.handle(p.self().name, s.message);
      if (out.persist)
        out = acc.on_persisted(out.persist->seq);
      for (auto& r : out.replies)
        if (!drop_reply(s.to, r.message))
          replies.emplace_back(s.to, r.message);
      CHECK(acc.check_invariants() == "");
    }
    std::vector<consensus_send> more;
    for (auto& [from, msg] : replies) {
      auto next = take(p.handle_reply(from, msg, now));
      more.insert(more.end(), next.begin(), next.end());
    }
    CHECK(p.check_invariants() == "");
    return more;
  }

  /// Delivers `sends` of proposer `p` and every follow-up until nothing is left;
  /// returns the number of waves (round trips).
  int pump(consensus_proposer& p, std::vector<consensus_send> sends) {
    int waves = 0;
    for (; !sends.empty(); ++waves)
      sends = step(p, sends);
    return waves;
  }

  int submit(consensus_proposer& p, uint64_t id, const operation& op) {
    return pump(p, take(p.submit(id, op, now)));
  }

  /// Advances time to the proposer's next deadline and runs it.
  void tick(consensus_proposer& p) {
    REQUIRE(p.next_deadline() != time_point::max());
    now = std::max(now, p.next_deadline());
    pump(p, take(p.tick(now)));
  }

  /// Runs the proposer's deadlines until operation `id` is answered.
  void settle(consensus_proposer& p, uint64_t id) {
    for (int i = 0; i < 1000 && results.count(id) == 0; ++i)
      tick(p);
  }

  const operation_result& result(uint64_t id) {
    REQUIRE(results.count(id) == 1);
    return results.at(id);
  }
};

inline bool is_accept(const consensus_send& s) {
  return std::holds_alternative<accept_message>(s.message);
}

} // namespace onevalue::consensus_test
