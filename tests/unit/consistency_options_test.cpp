// The consistency and voters options (issue 15): validated together by the loader.

#include "app/config/node_config.hpp"
#include "app/config/node_loader.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace onevalue;
namespace fs = std::filesystem;

namespace {

/// Loads `section` as the [onevalue] section of a temporary config file.
load_result load_section(const std::string& section) {
  std::string pattern = (fs::temp_directory_path() / "onevalue-mode-XXXXXX").string();
  fs::path dir = mkdtemp(pattern.data());
  auto file = (dir / "node.ini").string();
  std::ofstream{file} << "[onevalue]\nname=\"n1\"\nbind=\"127.0.0.1\"\n"
                      << section << "\n";
  std::vector<std::string> args{"onevalue", "--config-file=" + file};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  node_config cfg;
  load_context ctx;
  ctx.getenv = [](const char*) -> const char* { return nullptr; };
  ctx.host_name = [] { return std::string{"n1"}; };
  ctx.resolve_ipv4 = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  auto result = load_node_options(cfg, static_cast<int>(argv.size()), argv.data(), ctx);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

} // namespace

TEST_CASE("consistency: eventual by default, without voters") {
  auto r = load_section("");
  REQUIRE(r.status == load_status::run);
  CHECK(r.options.consistency == "eventual");
  CHECK(r.options.voters.empty());
}

TEST_CASE("consistency: linearizable with an odd list of voters") {
  auto r = load_section("consistency=\"linearizable\"\nvoters=[\"n1\", \"n2\", \"n3\"]");
  REQUIRE(r.status == load_status::run);
  CHECK(r.options.consistency == "linearizable");
  CHECK(r.options.voters == std::vector<std::string>{"n1", "n2", "n3"});
}

TEST_CASE("consistency: bad combinations name the key") {
  struct row {
    const char* section;
    const char* expected;
  };
  for (
      auto [section, expected] : {
          row{"consistency=\"linearizable\"", "onevalue.voters: linearizable mode needs"},
          row{"consistency=\"linearizable\"\nvoters=[\"n1\", \"n2\"]", "odd number"},
          row{"consistency=\"linearizable\"\nvoters=[\"n1\", \"n1\", \"n2\"]",
              "listed twice"},
          row{"consistency=\"linearizable\"\nvoters=[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
              "\"g\",\"h\",\"i\"]",
              "1 to 7"},
          row{"voters=[\"n1\"]", "only used with consistency = \"linearizable\""},
          row{"consistency=\"strong\"", "onevalue.consistency"},
          row{"consistency=\"linearizable\"\nvoters=[\"bad name\"]", "onevalue.voters"},
      }) {
    CAPTURE(section);
    auto r = load_section(section);
    CHECK(r.status == load_status::exit_error);
    CHECK(r.message.find(expected) != std::string::npos);
  }
}
