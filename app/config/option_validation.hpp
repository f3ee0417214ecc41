#pragma once

// Semantic checks of the parsed `[onevalue]` options (ranges, addresses, seeds,
// intervals) and their conversion into node_options.

#include "app/config/node_config.hpp"
#include "app/config/node_loader.hpp"
#include "app/config/node_options.hpp"

#include <set>
#include <string>
#include <vector>

namespace onevalue::config {

/// Where each option's value came from, for error messages.
struct option_sources {
  /// The config file CAF read ("caf-application.ini" if none was given).
  std::string file;
  /// Full names ("onevalue.http-port") given on the command line.
  std::set<std::string> command_line_keys;
  /// Full names present in the file's [onevalue] section.
  std::set<std::string> file_keys;

  /// "command line", the file name, or "defaults" for `full_key`.
  std::string of(const std::string& full_key) const;
};

/// Validates the values CAF stored in `cfg`, adds the environment
/// (ADVERTISE_ADDR overrides the file but not the command line; CLUSTER_ADDR adds
/// seeds), fills defaults (name from the host name, advertise, protocol timings
/// from the profile) and returns the result. Appends one line per problem to
/// `errors`; the returned options are meaningful only if `errors` stayed empty.
node_options validate_options(const node_config& cfg, const option_sources& sources,
                              const load_context& ctx, std::vector<std::string>& errors);

} // namespace onevalue::config
