// Which voters an accept goes to first, and the widening wait (consensus_fanout.hpp).

#include "actors/core/consensus_fanout.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> three{"v1", "v2", "v3"};
const std::vector<std::string> five{"v1", "v2", "v3", "v4", "v5"};

using names = std::vector<std::string>;

} // namespace

TEST_CASE("every voter is asked until an accept phase has been timed") {
  accept_fanout f{"v2", three, consensus_settings{}};
  CHECK(f.next_accept_voters() == names{"v2", "v1", "v3"}); // this node's acceptor first
  CHECK_FALSE(f.smoothed_accept_phase().has_value());
  f.observe_accept_phase(800us);
  CHECK(f.next_accept_voters() == names{"v2", "v1"});
}

TEST_CASE("a proposer that is no voter asks the voters in their listed order first") {
  accept_fanout f{"n9", five, consensus_settings{}};
  CHECK(f.next_accept_voters() == five);
  f.observe_accept_phase(1ms);
  CHECK(f.next_accept_voters() == names{"v1", "v2", "v3"});
}

TEST_CASE("the voters that granted most recently are asked first") {
  accept_fanout f{"v1", five, consensus_settings{}};
  f.observe_accept_phase(1ms);
  // A round that widened: v1 and v2 answered, then v5 in place of the silent v3.
  f.granted("v1");
  f.granted("v2");
  f.granted("v5");
  CHECK(f.next_accept_voters() == names{"v5", "v2", "v1"});
  f.granted("v1");
  CHECK(f.next_accept_voters() == names{"v1", "v5", "v2"});
  f.granted("not-a-voter"); // ignored
  CHECK(f.next_accept_voters() == names{"v1", "v5", "v2"});
}

TEST_CASE("without thrifty accepts every voter is always asked") {
  consensus_settings s;
  s.thrifty_accepts = false;
  accept_fanout f{"v1", three, s};
  f.observe_accept_phase(1ms);
  f.granted("v3");
  CHECK(f.next_accept_voters().size() == 3);
}

TEST_CASE("every full_accept_every-th accept goes to every voter and re-ranks them") {
  consensus_settings s;
  s.full_accept_every = 3;
  accept_fanout f{"v1", three, s};
  f.observe_accept_phase(1ms);
  // This node's disk stalled once: the two remote voters made the last majority.
  f.granted("v3");
  f.granted("v2");
  CHECK(f.next_accept_voters() == names{"v2", "v3"});
  CHECK(f.next_accept_voters() == names{"v2", "v3"});
  CHECK(f.next_accept_voters() == names{"v2", "v3", "v1"}); // the third: every voter
  // Its own acceptor answered first in that round, then v2 made the majority.
  f.granted("v1");
  f.granted("v2");
  CHECK(f.next_accept_voters() == names{"v2", "v1"});
}

TEST_CASE("the widening wait is twice the smoothed accept phase, within its bounds") {
  consensus_settings s;
  s.accept_widen_min = 500us;
  s.accept_widen_max = 20ms;
  accept_fanout f{"v1", three, s};
  CHECK(f.widen_after() == 20ms); // nothing timed yet (every voter is asked anyway)
  f.observe_accept_phase(1ms);
  CHECK(f.smoothed_accept_phase() == time_point::duration{1ms});
  CHECK(f.widen_after() == 2ms);
  // One slow phase moves the mean by an eighth of the difference.
  f.observe_accept_phase(9ms);
  CHECK(f.smoothed_accept_phase() == time_point::duration{2ms});
  CHECK(f.widen_after() == 4ms);
  for (int i = 0; i < 100; ++i)
    f.observe_accept_phase(50us);
  CHECK(f.widen_after() == 500us); // the minimum
  for (int i = 0; i < 100; ++i)
    f.observe_accept_phase(1s);
  CHECK(f.widen_after() == 20ms); // the maximum
}

TEST_CASE("a node's proposer asks a majority first only if the node has a data dir") {
  auto durable = node_consensus_settings(std::chrono::milliseconds{5000}, true);
  CHECK(durable.thrifty_accepts);
  CHECK(durable.operation_timeout == std::chrono::milliseconds{4800});
  // Without a data dir a voter's promises live in memory: every voter is asked, so
  // losing the newest value takes a majority of restarts.
  auto memory = node_consensus_settings(std::chrono::milliseconds{5000}, false);
  CHECK_FALSE(memory.thrifty_accepts);
  CHECK_FALSE(validate_consensus_settings(durable).has_value());
  CHECK_FALSE(validate_consensus_settings(memory).has_value());
  // A request timeout shorter than a round still leaves the operation one round.
  CHECK(node_consensus_settings(std::chrono::milliseconds{100}, true).operation_timeout
        == durable.round_timeout);
}

TEST_CASE("widening bounds are validated with the other settings") {
  consensus_settings s;
  CHECK_FALSE(validate_consensus_settings(s).has_value());
  s.accept_widen_min = 0us;
  CHECK(validate_consensus_settings(s).has_value());
  s.accept_widen_min = 3ms;
  s.accept_widen_max = 2ms;
  CHECK(validate_consensus_settings(s).has_value());
  s.accept_widen_max = s.round_timeout;
  CHECK(validate_consensus_settings(s).has_value());
  s = consensus_settings{};
  s.full_accept_every = 0;
  CHECK(validate_consensus_settings(s).has_value());
}
