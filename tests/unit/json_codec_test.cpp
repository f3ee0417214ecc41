#include "http/api/json_codec.hpp"

#include <doctest/doctest.h>

using namespace onevalue;
using nlohmann::json;

TEST_CASE("a versioned value encodes value, version and the counter as index") {
  json j = versioned_value{5, {7, "n2"}};
  CHECK(dump_json(j) == R"({"index":7,"value":5,"version":{"counter":7,"node":"n2"}})");
}

TEST_CASE("int64 extremes survive the JSON encoding") {
  json j = versioned_value{std::numeric_limits<int64_t>::min(), {1, "n1"}};
  CHECK(j["value"].get<int64_t>() == std::numeric_limits<int64_t>::min());
  CHECK(j["value"].is_number_integer());
}

TEST_CASE("a member encodes every field with its state as a word") {
  member_info m{"n3", "127.0.0.3", 7946, 8080, member_state::suspect, 4};
  json j = m;
  CHECK(j
        == json{{"name", "n3"},
                {"address", "127.0.0.3"},
                {"cluster_port", 7946},
                {"http_port", 8080},
                {"state", "suspect"},
                {"incarnation", 4}});
}

TEST_CASE("members encode as an array sorted by name") {
  member_list members{{"n3", "a", 1, 2, member_state::alive, 0},
                      {"n1", "b", 1, 2, member_state::left, 1},
                      {"n2", "c", 1, 2, member_state::failed, 2}};
  auto j = members_to_json(members);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  CHECK(j[0]["name"] == "n1");
  CHECK(j[0]["state"] == "left");
  CHECK(j[1]["name"] == "n2");
  CHECK(j[1]["state"] == "failed");
  CHECK(j[2]["name"] == "n3");
  CHECK(members_to_json({}) == json::array());
}

TEST_CASE("health counts members per state and names the node") {
  node_view view;
  view.node_name = "n1";
  view.members = {{"n1", "", 0, 0, member_state::alive, 0},
                  {"n2", "", 0, 0, member_state::alive, 0},
                  {"n3", "", 0, 0, member_state::suspect, 0},
                  {"n4", "", 0, 0, member_state::failed, 0},
                  {"n5", "", 0, 0, member_state::left, 0}};
  view.synchronized = true;
  auto j = health_to_json(view, assess_health(view));
  CHECK(j["status"] == "ok");
  CHECK(j["node"] == "n1");
  CHECK(j["synchronized"] == true);
  CHECK(j["members"] == json{{"alive", 2}, {"suspect", 1}, {"failed", 1}, {"left", 1}});
  CHECK_FALSE(j.contains("reason"));
}

TEST_CASE("health names the status and gives the reason when not ok") {
  node_view view;
  view.node_name = "n1";
  auto j = health_to_json(view, assess_health(view));
  CHECK(j["status"] == "syncing");
  CHECK(j["synchronized"] == false);
  CHECK(j["reason"].is_string());
}

TEST_CASE("error bodies are JSON objects with escaped messages") {
  auto body = error_body("bad \"n\"\nhere");
  // One line, ending with a newline (a reply body printed by curl).
  CHECK(body.find('\n') == body.size() - 1);
  auto j = json::parse(body);
  CHECK(j == json{{"error", "bad \"n\"\nhere"}});
}

TEST_CASE("invalid UTF-8 in a node name is replaced instead of throwing") {
  json j = versioned_value{1, {1, std::string{"n\xff"}}};
  std::string out;
  CHECK_NOTHROW(out = dump_json(j));
  CHECK(out.find("\"node\"") != std::string::npos);
}
