#pragma once

// The node's documentation outputs, all rendered from node_option_table().

#include <caf/fwd.hpp>

#include <string>

namespace onevalue {

/// `onevalue --help`: usage, file syntax, environment and every `[onevalue]` option.
/// With `long_help`, also CAF's own options from `caf_options` and the CAF settings
/// onevalue changes.
std::string node_help_text(const caf::config_option_set& caf_options, bool long_help);

/// `onevalue --options-markdown`: the README's two option tables (node options, and
/// protocol options per profile), each between its marker comments.
std::string node_options_markdown();

} // namespace onevalue
