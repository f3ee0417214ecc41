#pragma once

// Reports what CAF's INI and CLI parsers do not: wrongly typed values that CAF
// drops silently, unknown keys and sections, and parser errors rendered with the
// key and the file.

#include <caf/config_option_set.hpp>
#include <caf/error.hpp>
#include <caf/settings.hpp>

#include <string>
#include <vector>

namespace onevalue::config {

/// Checks every key of `raw` (a config file parsed without options, as from
/// `actor_system_config::parse_config_file`) against `options`: unknown sections,
/// unknown keys (with the nearest option name when one is close) and values whose
/// type CAF would reject. Appends one "config error in FILE: ..." line per problem
/// to `errors`; appends nothing for a clean file.
void check_config_file(const caf::settings& raw, const caf::config_option_set& options,
                       const std::string& file, std::vector<std::string>& errors);

/// Turns an error from `actor_system_config::parse` into one line naming the
/// argument or the file position, e.g. "config error in command line:
/// onevalue.http-port: expected an integer in 1..65535, got abc".
std::string describe_parse_error(const caf::error& err,
                                 const caf::config_option_set& options,
                                 const std::string& file);

/// What a value of `option` must look like, in words ("a timespan with a unit,
/// such as 250ms or 2s").
std::string expectation(const caf::config_option& option);

} // namespace onevalue::config
