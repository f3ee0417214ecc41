#include "actors/core/persistence_health.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using kind = persistence_report::kind;

TEST_CASE("saves that succeed report nothing") {
  persistence_health health;
  CHECK(health.on_save(save_result::saved).what == kind::none);
  CHECK_FALSE(health.failing());
  CHECK(health.episodes() == 0);
}

TEST_CASE("a full disk is one episode however many saves and writes fail") {
  persistence_health health;
  auto first = health.on_save(save_result::no_space, "no space left");
  CHECK(first.what == kind::episode_began);
  CHECK(first.no_space);
  CHECK(first.message == "no space left");
  CHECK(health.disk_full());
  health.on_write_refused();
  for (int i = 0; i < 99; ++i) {
    CHECK(health.on_save(save_result::no_space, "no space left").what == kind::none);
    health.on_write_refused();
  }
  CHECK(health.episodes() == 1);
  auto end = health.on_save(save_result::saved);
  CHECK(end.what == kind::episode_ended);
  CHECK(end.no_space);
  CHECK(end.writes_refused == 100);
  CHECK(end.failed_saves == 100);
  CHECK(end.message == "no space left");
  CHECK_FALSE(health.failing());
  CHECK(health.writes_refused_total() == 100);
}

TEST_CASE("a second episode is reported again and counted from zero") {
  persistence_health health;
  health.on_save(save_result::no_space, "full");
  health.on_write_refused();
  health.on_save(save_result::saved);
  CHECK(health.on_save(save_result::no_space, "full again").what == kind::episode_began);
  auto end = health.on_save(save_result::saved);
  CHECK(end.writes_refused == 0);
  CHECK(end.failed_saves == 1);
  CHECK(health.episodes() == 2);
  CHECK(health.writes_refused_total() == 1);
}

TEST_CASE("a change from a full disk to another error starts a new episode") {
  persistence_health health;
  health.on_save(save_result::no_space, "full");
  health.on_write_refused();
  auto other = health.on_save(save_result::failed, "I/O error");
  CHECK(other.what == kind::episode_began);
  CHECK_FALSE(other.no_space);
  CHECK_FALSE(health.disk_full());
  CHECK(health.failing());
  auto end = health.on_save(save_result::saved);
  CHECK_FALSE(end.no_space);
  CHECK(end.message == "I/O error");
  // The write refused while the disk was full is not lost from the count.
  CHECK(end.writes_refused == 1);
  CHECK(end.failed_saves == 2);
}
