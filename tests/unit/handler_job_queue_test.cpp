#include "actors/core/handler_job_queue.hpp"

#include <doctest/doctest.h>

using namespace onevalue;

namespace {

handler_job job(event_type type, std::string command) {
  return {type, std::move(command), "", {}};
}

} // namespace

TEST_CASE("runs of one event type go one after another, in order") {
  handler_job_queue q{4, 16};
  q.push(job(event_type::value, "v1"));
  q.push(job(event_type::value, "v2"));
  q.push(job(event_type::member_join, "j1"));
  auto first = q.start_next();
  REQUIRE(first);
  CHECK(first->command == "v1");
  auto second = q.start_next();
  REQUIRE(second);
  CHECK(second->command == "j1"); // v2 waits for v1's lane
  CHECK_FALSE(q.start_next());
  CHECK(q.running() == 2);
  q.finish(event_type::value);
  auto third = q.start_next();
  REQUIRE(third);
  CHECK(third->command == "v2");
  CHECK(q.waiting() == 0);
}

TEST_CASE("never more than the concurrency limit at once") {
  handler_job_queue q{2, 16};
  q.push(job(event_type::value, "v"));
  q.push(job(event_type::member_join, "j"));
  q.push(job(event_type::member_failed, "f"));
  CHECK(q.start_next());
  CHECK(q.start_next());
  CHECK_FALSE(q.start_next());
  q.finish(event_type::member_join);
  auto next = q.start_next();
  REQUIRE(next);
  CHECK(next->command == "f");
  CHECK(q.running() == 2);
}

TEST_CASE("a full queue drops its oldest waiting runs and counts them") {
  handler_job_queue q{1, 2};
  CHECK(q.push(job(event_type::value, "a")) == 0);
  CHECK(q.push(job(event_type::value, "b")) == 0);
  CHECK(q.push(job(event_type::value, "c")) == 1);
  CHECK(q.push(job(event_type::value, "d")) == 1);
  CHECK(q.dropped() == 2);
  CHECK(q.start_next()->command == "c");
  q.finish(event_type::value);
  CHECK(q.start_next()->command == "d");
}

TEST_CASE("finishing an idle lane changes nothing") {
  handler_job_queue q{1, 4};
  q.finish(event_type::value);
  CHECK(q.running() == 0);
  q.push(job(event_type::value, "a"));
  CHECK(q.start_next());
}
