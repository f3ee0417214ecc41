#include "actors/core/event_invocation.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

const member_info self{"n1", "10.0.0.1", 7946, 8080, member_state::alive, 1};

std::string env_of(const handler_job& job, const std::string& key) {
  for (const auto& [k, v] : job.env)
    if (k == key)
      return v;
  return "<unset>";
}

std::vector<event_handler_spec> specs(std::initializer_list<const char*> texts) {
  std::vector<event_handler_spec> out;
  for (const auto* t : texts)
    out.push_back(*parse_event_handler_spec(t).spec);
  return out;
}

} // namespace

TEST_CASE("member batch: one line per member on stdin, the count in the environment") {
  event_batch batch;
  batch.type = event_type::member_failed;
  batch.members = {{"n2", "10.0.0.2", 7946, 8080, member_state::failed, 3},
                   {"n3", "host3", 7000, 8080, member_state::failed, 1}};
  auto jobs = event_invocations(
      batch, specs({"member-join=/a", "member-failed,value=/b", "/c", "value=/d"}), self);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].command == "/b");
  CHECK(jobs[1].command == "/c");
  for (const auto& job : jobs) {
    CHECK(job.type == event_type::member_failed);
    CHECK(job.input == "n2\t10.0.0.2:7946\tfailed\t3\nn3\thost3:7000\tfailed\t1\n");
    CHECK(env_of(job, "ONEVALUE_EVENT") == "member-failed");
    CHECK(env_of(job, "ONEVALUE_SELF_NAME") == "n1");
    CHECK(env_of(job, "ONEVALUE_SELF_ADDRESS") == "10.0.0.1:7946");
    CHECK(env_of(job, "ONEVALUE_MEMBER_COUNT") == "2");
    CHECK(env_of(job, "ONEVALUE_VALUE") == "<unset>");
  }
}

TEST_CASE("value batch: the value and its version on stdin and in the environment") {
  event_batch batch;
  batch.type = event_type::value;
  batch.value = {-42, {7, "n2"}};
  auto jobs =
      event_invocations(batch, specs({"member-join=/a", "value=/v", "*=/all"}), self);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].command == "/v");
  CHECK(jobs[1].command == "/all");
  CHECK(jobs[0].input == "-42\t7-n2\n");
  CHECK(env_of(jobs[0], "ONEVALUE_EVENT") == "value");
  CHECK(env_of(jobs[0], "ONEVALUE_VALUE") == "-42");
  CHECK(env_of(jobs[0], "ONEVALUE_VERSION") == "7-n2");
  CHECK(env_of(jobs[0], "ONEVALUE_MEMBER_COUNT") == "<unset>");
  CHECK(format_event_version({0, ""}) == "0-");
}

TEST_CASE("no handler for the type: no run") {
  event_batch batch;
  batch.type = event_type::member_reap;
  batch.members = {{"n2", "10.0.0.2", 7946, 8080, member_state::left, 3}};
  CHECK(event_invocations(batch, specs({"member-join=/a", "value=/v"}), self).empty());
}
