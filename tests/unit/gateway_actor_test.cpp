#include "http/bridge/gateway_actor.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

using namespace onevalue;

namespace {

struct gateway_fixture {
  static caf::actor_system_config& init(caf::actor_system_config& cfg) {
    add_message_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    return cfg;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{init(cfg)};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  std::shared_ptr<snapshot_store> snapshots = std::make_shared<snapshot_store>("n1");
  gateway_actor gw = sys.spawn(gateway, snapshots);

  ~gateway_fixture() {
    caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

} // namespace

TEST_CASE_FIXTURE(gateway_fixture, "a value update reaches the snapshot store") {
  sched.run();
  caf::anon_send(gw, update_atom::value, versioned_value{5, {3, "n2"}});
  CHECK(snapshots->load()->value.value == 0); // nothing runs before the scheduler does
  sched.run();
  CHECK(snapshots->load()->value == versioned_value{5, {3, "n2"}});
}

TEST_CASE_FIXTURE(gateway_fixture,
                  "a member table update replaces the published members") {
  sched.run();
  member_list members{{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 0},
                      {"n2", "127.0.0.2", 7946, 8080, member_state::failed, 2}};
  caf::anon_send(gw, update_atom::value, members);
  sched.run();
  CHECK(snapshots->load()->members == members);
  caf::anon_send(gw, update_atom::value, member_list{members[0]});
  sched.run();
  CHECK(snapshots->load()->members.size() == 1);
}

TEST_CASE_FIXTURE(gateway_fixture, "an older value pushed after a newer one is ignored") {
  sched.run();
  caf::anon_send(gw, update_atom::value, versioned_value{9, {10, "n1"}});
  caf::anon_send(gw, update_atom::value, versioned_value{4, {6, "n3"}});
  sched.run();
  CHECK(snapshots->load()->value == versioned_value{9, {10, "n1"}});
  CHECK(snapshots->load()->node_name == "n1");
}

TEST_CASE_FIXTURE(gateway_fixture,
                  "the gateway serves as the store's value listener and membership's "
                  "member listener") {
  sched.run();
  value_listener_actor as_value_listener = gw;
  member_listener_actor as_member_listener = gw;
  caf::anon_send(as_value_listener, update_atom::value, versioned_value{3, {2, "n1"}});
  caf::anon_send(as_member_listener, update_atom::value,
                 member_list{{"n1", "127.0.0.1", 7946, 8080, member_state::alive, 0}});
  sched.run();
  CHECK(snapshots->load()->value.value == 3);
  CHECK(snapshots->load()->members.size() == 1);
}

TEST_CASE_FIXTURE(gateway_fixture, "the store's sync announcement marks the snapshot") {
  sched.run();
  CHECK_FALSE(snapshots->load()->synchronized);
  caf::anon_send(gw, sync_atom::value);
  sched.run();
  CHECK(snapshots->load()->synchronized);
}
