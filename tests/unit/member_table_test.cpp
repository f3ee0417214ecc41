#include "actors/core/member_table.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

using namespace onevalue;

namespace {

member_table::entry entry_named(const std::string& name) {
  member_table::entry e;
  e.info.name = name;
  e.info.address = "10.0.0.1";
  return e;
}

} // namespace

TEST_CASE("an empty member table finds nothing") {
  member_table t;
  CHECK(t.size() == 0);
  CHECK(t.find("n1") == member_table::npos);
  CHECK(t.get("n1") == nullptr);
  CHECK(t.check() == "");
}

TEST_CASE("members are found by name at the slot they were inserted at") {
  member_table t;
  for (int i = 0; i < 100; ++i)
    t.insert(entry_named("n" + std::to_string(i)));
  REQUIRE(t.size() == 100);
  for (uint32_t i = 0; i < 100; ++i) {
    CHECK(t.find("n" + std::to_string(i)) == i);
    CHECK(t[i].info.name == "n" + std::to_string(i));
  }
  CHECK(t.find("n100") == member_table::npos);
  CHECK(t.get("n42")->info.name == "n42");
  CHECK(t.check() == "");
}

TEST_CASE("erasing moves the last member into the freed slot") {
  member_table t;
  for (auto name : {"a", "b", "c", "d"})
    t.insert(entry_named(name));
  CHECK(t.erase(1) == 3);
  CHECK(t.size() == 3);
  CHECK(t.find("b") == member_table::npos);
  CHECK(t.find("d") == 1);
  CHECK(t[1].info.name == "d");
  CHECK(t.check() == "");
  SUBCASE("erasing the last member moves nothing") {
    CHECK(t.erase(2) == 2);
    CHECK(t.find("c") == member_table::npos);
    CHECK(t.find("a") == 0);
    CHECK(t.find("d") == 1);
    CHECK(t.check() == "");
  }
}

TEST_CASE("a new member goes into the slot after the last one, also after erasing") {
  member_table t;
  for (auto name : {"a", "b", "c"})
    t.insert(entry_named(name));
  t.erase(0);
  t.insert(entry_named("e"));
  CHECK(t.find("e") == 2);
  CHECK(t.find("c") == 0);
  CHECK(t.check() == "");
}

TEST_CASE("random inserts and erases agree with a std::map") {
  // Many erases through long probe runs exercise the backward-shift deletion.
  member_table t;
  std::map<std::string, int> model;
  std::mt19937_64 rng{7};
  for (int step = 0; step < 20000; ++step) {
    auto name = "n" + std::to_string(rng() % 500);
    bool present = model.count(name) > 0;
    REQUIRE((t.find(name) != member_table::npos) == present);
    if (present && rng() % 2 == 0) {
      t.erase(t.find(name));
      model.erase(name);
    } else if (!present) {
      auto e = entry_named(name);
      e.info.incarnation = static_cast<uint64_t>(step);
      t.insert(e);
      model[name] = step;
    }
    if (step % 1000 == 0)
      REQUIRE(t.check() == "");
  }
  REQUIRE(t.size() == model.size());
  for (auto& [name, step] : model)
    CHECK(t.get(name)->info.incarnation == static_cast<uint64_t>(step));
  CHECK(t.check() == "");
}

TEST_CASE("reserving keeps every member and avoids growth slack") {
  member_table t;
  t.insert(entry_named("self"));
  t.reserve(1001);
  auto bytes = t.capacity_bytes();
  for (int i = 0; i < 1000; ++i)
    t.insert(entry_named("n" + std::to_string(i)));
  CHECK(t.capacity_bytes() == bytes);
  CHECK(t.find("self") == 0);
  CHECK(t.find("n999") == 1000);
  CHECK(t.check() == "");
  // Entries plus an index of at most twice the next power of two's 4-byte slots.
  CHECK(bytes <= 1001 * sizeof(member_table::entry) + 4096 * sizeof(uint32_t));
}
