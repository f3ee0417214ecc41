#include "http/api/health.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

member_info member(const std::string& name, member_state state) {
  return {name, "127.0.0.1", 7946, 8080, state, 0};
}

/// A synchronized view of node n1 with the given other members.
node_view view_with(std::vector<member_info> others) {
  node_view v;
  v.node_name = "n1";
  v.synchronized = true;
  v.members = {member("n1", member_state::alive)};
  for (auto& m : others)
    v.members.push_back(std::move(m));
  return v;
}

} // namespace

TEST_CASE("a synchronized node with a live peer is ok, without a reason") {
  for (auto state : {member_state::alive, member_state::suspect}) {
    CAPTURE(to_string(state));
    auto report = assess_health(
        view_with({member("n2", state), member("n3", member_state::failed)}));
    CHECK(report.status == health_status::ok);
    CHECK(report.reason.empty());
    CHECK(health_http_status(health_probe::ready, report.status) == 200);
  }
}

TEST_CASE("a node alone by configuration, or whose peers all left, is ok") {
  CHECK(assess_health(view_with({})).status == health_status::ok);
  CHECK(assess_health(view_with({member("n2", member_state::left)})).status
        == health_status::ok);
  node_view nothing_published;
  nothing_published.node_name = "n1";
  nothing_published.synchronized = true;
  CHECK(assess_health(nothing_published).status == health_status::ok);
}

TEST_CASE("a node that has not synchronized is syncing, with a reason") {
  auto v = view_with({member("n2", member_state::alive)});
  v.synchronized = false;
  auto report = assess_health(v);
  CHECK(report.status == health_status::syncing);
  CHECK(report.reason.find("not synchronized") != std::string::npos);
  CHECK(health_http_status(health_probe::ready, report.status) == 503);
}

TEST_CASE("a node whose every other member failed is alone and says how to end it") {
  auto report = assess_health(
      view_with({member("n2", member_state::failed), member("n3", member_state::failed),
                 member("n4", member_state::left)}));
  CHECK(report.status == health_status::alone);
  CHECK(report.reason.find("(2)") != std::string::npos);
  CHECK(report.reason.find("/v1/members/{name}/leave") != std::string::npos);
  CHECK(health_http_status(health_probe::ready, report.status) == 503);
}

TEST_CASE("a leaving node is leaving, before any other status") {
  auto v = view_with({member("n2", member_state::failed)});
  v.members[0].state = member_state::left;
  v.synchronized = false;
  auto report = assess_health(v);
  CHECK(report.status == health_status::leaving);
  CHECK_FALSE(report.reason.empty());
}

TEST_CASE("syncing comes before alone: a node that never synchronized is syncing") {
  auto v = view_with({member("n2", member_state::failed)});
  v.synchronized = false;
  CHECK(assess_health(v).status == health_status::syncing);
}

TEST_CASE("members are counted by state, this node included") {
  auto report = assess_health(
      view_with({member("n2", member_state::alive), member("n3", member_state::suspect),
                 member("n4", member_state::failed), member("n5", member_state::left)}));
  CHECK(report.members.alive == 2);
  CHECK(report.members.suspect == 1);
  CHECK(report.members.failed == 1);
  CHECK(report.members.left == 1);
}

TEST_CASE("the live probe is 200 in every status; the ready probe only when ok") {
  for (auto status : {health_status::ok, health_status::syncing, health_status::alone,
                      health_status::leaving}) {
    CAPTURE(to_string(status));
    CHECK(health_http_status(health_probe::live, status) == 200);
    CHECK(health_http_status(health_probe::ready, status)
          == (status == health_status::ok ? 200 : 503));
  }
}
