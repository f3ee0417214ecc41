#pragma once

// Hands a config file and a command line to CAF so that an option table's category
// comes out as option_sources: durations respelled where CAF's syntax differs from
// onevalue's, bare flags completed, and the command-line texts kept for messages.

#include "app/config/option_spec.hpp"

#include <caf/error.hpp>

#include <string>
#include <vector>

namespace onevalue::config {

/// The outcome of `parse_options`.
struct parsed_options {
  /// CAF's parse error (a syntax error in the file, an unknown option, ...), if any.
  caf::error error;
  /// The file's text as CAF parsed it (after respelling), for a second, raw reading.
  std::string ini;
  /// For `resolve_options`; `values` points into the parsed config's settings.
  option_sources sources;
};

/// Parses `ini` (the text of the config file `file`; pass has_file = false if there is
/// none) and `args` into `cfg`. In `ini`, the bare value of a duration row of
/// `category` and of any CAF timespan option is respelled for CAF (10m -> 10min), and a
/// bare value that is no duration is quoted for `read_given` to refuse by name. On the
/// command line, `--CATEGORY.FLAG` of a boolean row becomes `=true` and a CAF timespan
/// is respelled too. `options` must be `cfg`'s options with `specs` registered
/// (add_to_caf) and `cfg` freshly constructed.
parsed_options parse_options(caf::actor_system_config& cfg,
                             const caf::config_option_set& options,
                             const spec_list& specs, const std::string& category,
                             std::vector<std::string> args, const std::string& file,
                             bool has_file, const std::string& ini,
                             std::function<const char*(const char*)> getenv);

} // namespace onevalue::config
