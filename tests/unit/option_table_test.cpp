// The node's option table: complete, consistent with the code it feeds, and the README
// shows exactly what it generates.

#include "actors/log.hpp"
#include "app/config/node_config.hpp"
#include "app/config/node_help.hpp"
#include "app/config/option_table.hpp"
#include "tests/unit/source_tree.hpp"

#include <caf/config_option.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace onevalue;

namespace {

using onevalue::testing::source_dir;

/// The text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` with both markers.
std::string marked_block(const std::string& text, const std::string& name) {
  auto begin = text.find("<!-- " + name + ":begin -->");
  auto end_marker = "<!-- " + name + ":end -->\n";
  auto end = text.find(end_marker);
  if (begin == std::string::npos || end == std::string::npos)
    return {};
  return text.substr(begin, end + end_marker.size() - begin);
}

} // namespace

TEST_CASE("the README's option tables are what --options-markdown prints") {
  std::ifstream in{source_dir / "README.md"};
  REQUIRE(in);
  std::stringstream readme;
  readme << in.rdbuf();
  auto generated = node_options_markdown();
  for (const char* name : {"options-table", "protocol-options-table"}) {
    CAPTURE(name);
    auto expected = marked_block(generated, name);
    REQUIRE_FALSE(expected.empty());
    INFO("update README.md with app/config/update_readme_tables.py, or paste the "
         "output of `onevalue --options-markdown`:\n"
         << expected);
    CHECK(marked_block(readme.str(), name) == expected);
  }
}

TEST_CASE("every row is documented: meaning, trade-off, values and default") {
  std::set<std::string> keys;
  for (const auto& row : node_option_table()) {
    CAPTURE(row.key);
    CHECK(keys.insert(row.key).second);
    CHECK(row.key.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos);
    CHECK(row.meaning.size() > 10);
    CHECK(row.meaning.back() == '.');
    CHECK(row.tradeoff.size() > 10);
    CHECK(row.tradeoff.back() == '.');
    CHECK((!row.default_text.empty() || config::per_profile(row)));
    CHECK(row.store);
    bool defaulted_or_computed = row.default_of || row.default_in_words;
    CHECK(defaulted_or_computed);
  }
}

TEST_CASE("each row is registered with CAF under [onevalue]") {
  node_config cfg;
  for (const auto& row : node_option_table()) {
    CAPTURE(row.key);
    auto opt = cfg.option_set().qualified_name_lookup("onevalue", row.key);
    REQUIRE(opt != nullptr);
    CHECK(opt->description() == row.meaning);
  }
}

TEST_CASE("the table's choices are the ones the code accepts") {
  const auto& table = node_option_table();
  auto row = [&](const std::string& key) {
    return *std::find_if(table.begin(), table.end(),
                         [&](const node_option_row& r) { return r.key == key; });
  };
  for (const auto& level : row("log-level").choices)
    CHECK(log::valid_level(level));
  CHECK_FALSE(log::valid_level("verbose"));
  CHECK(row("profile").choices == profile_names());
  CHECK(profile_settings("lan").probe_interval == lan_profile().probe_interval);
  CHECK(profile_settings("local").probe_interval == local_profile().probe_interval);
}

TEST_CASE("protocol defaults come from the profiles, for help and for the node") {
  const auto& table = node_option_table();
  auto probe = std::find_if(table.begin(), table.end(), [](const node_option_row& r) {
    return r.key == "probe-interval";
  });
  REQUIRE(probe != table.end());
  using defaults = std::vector<std::pair<std::string, std::string>>;
  CHECK(probe->profile_defaults == defaults{{"lan", "1s"}, {"local", "200ms"}});
  node_options local;
  local.profile = "local";
  CHECK(std::get<std::chrono::milliseconds>(probe->default_of(local))
        == local_profile().probe_interval);
}
