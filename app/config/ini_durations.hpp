#pragma once

// Lets a config file write durations as the command line does (`reap-after = 10m`),
// although CAF's INI parser knows only its own units and stops at `10m` with a
// syntax error that names neither the key nor what is accepted. No CAF, no I/O.

#include <functional>
#include <string>
#include <string_view>

namespace onevalue::config {

/// What a key's value is, as far as the rewrite cares.
enum class duration_key {
  /// Not a duration: the value is left alone.
  no,
  /// A duration option of CAF's own sections: a value in onevalue's syntax is
  /// respelled for CAF (10m -> 10min); anything else is left to CAF.
  caf,
  /// A `[onevalue]` duration: respelled the same way, and any other bare value is
  /// quoted, so that it reaches validation, which names key and file, instead of
  /// stopping CAF's parser.
  onevalue,
};

/// Tells for a section ("global" before the first header) and key what it holds.
using duration_key_lookup =
    std::function<duration_key(std::string_view section, std::string_view key)>;

/// Returns `ini` with the bare value of each `KEY = VALUE` line of a duration key
/// rewritten as above. Quoted values, lists, maps, comments and every other line stay
/// byte for byte, and no line is added, so CAF's line numbers still match the file.
/// Line by line: a key line inside a multi-line map is respelled too, which CAF then
/// reports as an unknown key. Never fails; text CAF cannot parse stays for CAF.
std::string respell_ini_durations(std::string_view ini,
                                  const duration_key_lookup& lookup);

} // namespace onevalue::config
