#pragma once

// Every option of the `[onevalue]` section, declared once (option_table.cpp).

#include "app/config/node_options.hpp"
#include "app/config/option_spec.hpp"

#include <string>
#include <vector>

namespace onevalue {

using node_option_row = config::option_row<node_options>;

/// The rows of the `[onevalue]` section, in the order of `--help` and the README.
/// Adding an option: one row here, its field in node_options, and its use.
const std::vector<node_option_row>& node_option_table();

/// The profile names, in the order the documentation lists their defaults.
const std::vector<std::string>& profile_names();

/// The protocol settings of a profile; `name` must be one of profile_names().
swim_settings profile_settings(const std::string& name);

} // namespace onevalue
