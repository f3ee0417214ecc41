#pragma once

// What the configuration tests share: a temporary directory and the loader run on a
// fake environment, host name and resolver.

#include "app/config/node_config.hpp"
#include "app/config/node_loader.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace onevalue::testing {

/// A directory under /tmp that the test owns and removes.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "onevalue-config-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream{path / name} << text;
    return (path / name).string();
  }
};

/// Runs the loader on a fresh node_config with a fake environment, host name and
/// resolver, so results do not depend on the machine.
struct loader {
  std::map<std::string, std::string> env;
  std::ostringstream help;
  node_config cfg;

  load_result operator()(std::vector<std::string> args) {
    args.insert(args.begin(), "onevalue");
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    load_context ctx;
    ctx.getenv = [this](const char* key) -> const char* {
      auto i = env.find(key);
      return i == env.end() ? nullptr : i->second.c_str();
    };
    ctx.host_name = [] { return std::string{"testhost.example"}; };
    ctx.resolve_ipv4 = [](const std::string& host) -> std::optional<std::string> {
      if (host == "testhost.example")
        return "10.1.2.3";
      if (host == "peer.example")
        return "10.1.2.4";
      return std::nullopt;
    };
    ctx.help_out = &help;
    return load_node_options(cfg, static_cast<int>(argv.size()), argv.data(), ctx);
  }
};

/// Loads `section` as the [onevalue] section of a temp file; returns the result and
/// the file name.
inline std::pair<load_result, std::string>
load_section(const std::string& section, std::vector<std::string> extra = {}) {
  temp_dir dir;
  auto file = dir.write("node.ini", "[onevalue]\n" + section + "\n");
  extra.insert(extra.begin(), "--config-file=" + file);
  loader load;
  return {load(extra), file};
}

} // namespace onevalue::testing
