#pragma once

// The machinery of an option table: each option is one row, and registration with
// CAF, validation, defaults and documentation all come from the rows. Knows nothing
// of onevalue's own options; those are the rows in option_table.cpp.

#include <caf/fwd.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace onevalue::config {

/// How a value is written and checked.
enum class option_kind { text, integer, duration, boolean, text_list };

/// A converted, checked value; the alternative matches the kind.
using option_value = std::variant<std::string, int64_t, std::chrono::milliseconds, bool,
                                  std::vector<std::string>>;

/// Everything about one option except where its value goes: the part that
/// validation and documentation read. Plain data, filled by `option_row`'s builders.
struct option_spec {
  std::string key;
  option_kind kind = option_kind::text;
  /// What the number or text is, in the help and the README ("bytes", "port").
  std::string unit;
  /// Allowed range; for durations in milliseconds (default: at least 1ms).
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  /// For text: the allowed values (an enum); empty allows any text.
  std::vector<std::string> choices;
  /// What 0 means, if it is special ("off").
  std::string zero_means;
  /// For lists: what the items are, in words ("\"host\" or \"host:port\" strings").
  std::string items = "strings";
  /// For text and each list item: returns "" or the problem ("expected ..., got ...").
  std::function<std::string(const std::string&)> check;
  /// Environment variable that sets the value (overriding the file, not the command
  /// line); for a list, a comma-separated list.
  std::string env;
  /// The environment adds to the list from the file or command line instead.
  bool env_adds = false;
  /// The default as written in a file ("8080"), or how it is computed.
  std::string default_text;
  /// True if `default_text` says how the default is computed ("the host name").
  bool default_in_words = false;
  /// The default of each profile (in the order given), when it depends on one.
  std::vector<std::pair<std::string, std::string>> profile_defaults;
  /// What it does, and what raising or lowering it costs: one sentence each.
  std::string meaning;
  std::string tradeoff;
};

/// Converts a field's type to the value alternative of its kind.
template <class T>
option_value to_option_value(const T& value) {
  if constexpr (
      std::is_same_v<
          T,
          bool> || std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>)
    return value;
  else if constexpr (std::is_convertible_v<T, std::chrono::milliseconds>)
    return std::chrono::milliseconds{value}; // seconds, minutes, ...
  else if constexpr (std::is_integral_v<T>)
    return static_cast<int64_t>(value);
  else
    return std::string{value}; // string literals
}

/// Maps a field type to its kind (bool, integers, milliseconds, string lists, text)
/// and a value back to the field type. Specialize it for a field type that is stored
/// differently (such as a list of parsed addresses).
template <class T>
struct option_traits {
  static constexpr option_kind kind =
      std::is_same_v<T, bool>                        ? option_kind::boolean
      : std::is_integral_v<T>                        ? option_kind::integer
      : std::is_same_v<T, std::chrono::milliseconds> ? option_kind::duration
      : std::is_same_v<T, std::vector<std::string>>  ? option_kind::text_list
                                                     : option_kind::text;
  static T from(const option_value& v) {
    if constexpr (kind == option_kind::integer)
      return static_cast<T>(std::get<int64_t>(v));
    else
      return std::get<T>(v);
  }
};

/// Renders a value as it is written in a config file: "8080", "2s", "\"info\"", [].
std::string format_value(option_kind kind, const option_value& value);

/// One option of a table whose values go into a `Target` (such as node_options).
/// Built by `option(...)` and the builders below when its table is first used (a
/// function-local static); read-only afterwards, so any thread may read it.
template <class Target>
struct option_row : option_spec {
  /// Stores a converted value into its field.
  std::function<void(Target&, const option_value&)> store;
  /// The default, given the options resolved so far (those above it in the table and
  /// every given one); empty when the loader computes it itself.
  std::function<option_value(const Target&)> default_of;

  option_row& range(int64_t lo, int64_t hi) { return min = lo, max = hi, *this; }
  /// Durations: at most `limit` (at least 1ms stays).
  option_row& at_most(std::chrono::milliseconds limit) {
    return max = limit.count(), *this;
  }
  /// Documents what 0 means; a duration then allows 0.
  option_row& zero_is(std::string meaning_of_zero) {
    if (kind == option_kind::duration)
      min = 0;
    return zero_means = std::move(meaning_of_zero), *this;
  }
  option_row& one_of(std::vector<std::string> allowed) {
    return choices = std::move(allowed), *this;
  }
  option_row& checked_by(std::function<std::string(const std::string&)> fn) {
    return check = std::move(fn), *this;
  }
  option_row& each(std::string words, std::function<std::string(const std::string&)> fn) {
    return items = std::move(words), check = std::move(fn), *this;
  }
  option_row& from_env(std::string variable, bool adds = false) {
    return env = std::move(variable), env_adds = adds, *this;
  }
  template <class V>
  option_row& fallback(const V& value) {
    auto converted = to_option_value(value);
    default_text = format_value(kind, converted);
    default_of = [converted](const Target&) { return converted; };
    return *this;
  }
  /// A default that depends on other options, e.g. "true when keys are set".
  option_row& derived(std::string words, std::function<option_value(const Target&)> fn) {
    default_in_words = true;
    return default_text = std::move(words), default_of = std::move(fn), *this;
  }
  /// A default the loader computes (from the host, say); `words` documents it.
  option_row& computed(std::string words) {
    return default_in_words = true, default_text = std::move(words), *this;
  }
  option_row& doc(std::string what, std::string cost) {
    return meaning = std::move(what), tradeoff = std::move(cost), *this;
  }
};

namespace detail {

template <class Target, class T>
option_row<Target> bound_row(std::string key, std::string unit,
                             std::function<T&(Target&)> field) {
  option_row<Target> row;
  row.key = std::move(key);
  row.unit = std::move(unit);
  row.kind = option_traits<T>::kind;
  if constexpr (option_traits<T>::kind == option_kind::integer) {
    row.min = std::max<int64_t>(std::numeric_limits<T>::min(), row.min);
    row.max = static_cast<int64_t>(std::min<uint64_t>(std::numeric_limits<T>::max(),
                                                      static_cast<uint64_t>(row.max)));
  } else if constexpr (option_traits<T>::kind == option_kind::duration) {
    row.min = 1;
  }
  row.store = [field](Target& t, const option_value& v) {
    field(t) = option_traits<T>::from(v);
  };
  return row;
}

} // namespace detail

/// A row for `field`, whose unit (in words) is `unit`; its default comes from a
/// builder (fallback, derived, computed) or, if none, stays the field's own.
template <class Target, class T>
option_row<Target> option(std::string key, T Target::*field, std::string unit) {
  return detail::bound_row<Target, T>(std::move(key), std::move(unit),
                                      [field](Target& t) -> T& { return t.*field; });
}

/// A row for `field` with the fixed default `fallback`.
template <class Target, class T, class V>
option_row<Target> option(std::string key, T Target::*field, std::string unit,
                          const V& fallback) {
  return option(std::move(key), field, std::move(unit)).fallback(fallback);
}

/// A row for `field` of the member struct `group` (such as the protocol settings).
template <class Target, class Group, class T>
option_row<Target> option(std::string key, Group Target::*group, T Group::*field,
                          std::string unit) {
  return detail::bound_row<Target, T>(
      std::move(key), std::move(unit),
      [group, field](Target& t) -> T& { return (t.*group).*field; });
}

using spec_list = std::vector<const option_spec*>;

/// The specs of a table's rows, in order; `keep` selects (default: all).
template <class Target, class Keep = bool (*)(const option_spec&)>
spec_list specs_of(
    const std::vector<option_row<Target>>& rows,
    Keep keep = [](const option_spec&) { return true; }) {
  spec_list out;
  for (const auto& row : rows)
    if (keep(row))
      out.push_back(&row);
  return out;
}

/// True for a row whose default comes from a profile.
inline bool per_profile(const option_spec& spec) {
  return !spec.profile_defaults.empty();
}

/// Stock check for paths that must name an existing, readable file.
std::string readable_file(const std::string& path);

/// Stock check for a directory that may not exist yet (it is created) but must not be
/// something else.
std::string directory_or_absent(const std::string& path);

/// Where the values of one option category come from, for one load. Made by
/// parse_options, owned by the loader's stack frame; `values` points into the CAF
/// config it parsed, which must outlive it.
struct option_sources {
  /// The category in CAF's settings and in messages ("onevalue").
  std::string category;
  /// The category's values as CAF parsed them, file and command line merged (the
  /// command line wins); nullptr if neither gave any.
  const caf::settings* values = nullptr;
  /// Keys given on the command line, with the value text as typed.
  std::map<std::string, std::string> command_line;
  /// The config file's name, for messages.
  std::string file;
  /// Environment lookup; nullptr result when unset.
  std::function<const char*(const char*)> getenv;
};

/// Where each resolved option came from.
struct option_origins {
  /// "command line", the file or "environment VAR" for each key given valid.
  std::map<std::string, std::string> source;
  /// Keys given with a value that was refused (an error says why).
  std::set<std::string> rejected;

  bool given(const std::string& key) const { return source.count(key) > 0; }
  /// The source of `key`, or "defaults".
  std::string of(const std::string& key) const;
};

/// Reads one option from the command line, the environment and the file (in that
/// precedence; an `env_adds` list joins them), converts and checks it. Appends one
/// "config error in SOURCE: CATEGORY.KEY: problem" line per problem to `errors`.
/// Returns the value, or nullopt if none was given or it was refused.
std::optional<option_value> read_given(const option_spec& spec, const option_sources& in,
                                       option_origins& origins,
                                       std::vector<std::string>& errors);

/// Resolves every row into `out`: given values first, then each other row's default
/// in table order (so a default may depend on any given value and on rows above it).
/// Problems go to `errors` as in `read_given`.
template <class Target>
option_origins resolve_options(const std::vector<option_row<Target>>& rows,
                               const option_sources& in, Target& out,
                               std::vector<std::string>& errors) {
  option_origins origins;
  for (const auto& row : rows)
    if (auto value = read_given(row, in, origins, errors))
      row.store(out, *value);
  for (const auto& row : rows)
    if (!origins.given(row.key) && row.default_of)
      row.store(out, row.default_of(out));
  return origins;
}

/// Registers `spec` with CAF under `category`, so that CAF accepts it on the command
/// line and keeps it, unchecked, in its settings for `read_given`.
void add_to_caf(caf::config_option_set& set, const std::string& category,
                const option_spec& spec);

/// Parses a command-line or environment text the way a value of `kind` is written
/// there: integers, true/false, durations (10m), lists as ["a", "b"] or a,b. Text that
/// does not fit the kind stays a string, for `read_given` to refuse with a message.
caf::config_value value_from_text(option_kind kind, const std::string& text);

/// What a value must look like, in words: "an integer in 1..65535".
std::string expectation(const option_spec& spec);

/// The allowed values in words: "1..65535", "at least 1ms", "\"lan\" or \"local\"".
std::string allowed_values(const option_spec& spec);

} // namespace onevalue::config
