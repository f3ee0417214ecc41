#include "app/config/option_spec.hpp"

#include "actors/core/duration_text.hpp"
#include "app/config/config_checks.hpp"

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <filesystem>
#include <fstream>

namespace onevalue::config {

namespace {

using std::chrono::milliseconds;

std::string quoted_list(const std::vector<std::string>& words, const char* last_joint) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += i + 1 == words.size() ? last_joint : ", ";
    out += "\"" + words[i] + "\"";
  }
  return out;
}

/// How a refused file value is shown: as CAF renders it, but a duration the file
/// spelled bare (and ini_durations quoted) without the quotes it never had.
std::string shown(const option_spec& spec, const caf::config_value& raw) {
  if (auto text = caf::get_if<std::string>(&raw);
      text && spec.kind == option_kind::duration)
    return *text;
  return caf::to_string(raw);
}

/// Converts and checks a value of any origin; appends problems, returns the value or
/// nullopt.
std::optional<option_value> convert(const option_spec& spec, const caf::config_value& raw,
                                    const std::string& as_given,
                                    std::vector<std::string>& problems) {
  auto refuse = [&](std::string problem) -> std::optional<option_value> {
    problems.push_back(std::move(problem));
    return std::nullopt;
  };
  auto expected = "expected " + expectation(spec) + ", got " + as_given;
  switch (spec.kind) {
  case option_kind::integer: {
    auto number = caf::get_if<int64_t>(&raw);
    if (number == nullptr || *number < spec.min || *number > spec.max)
      return refuse(expected);
    return option_value{*number};
  }
  case option_kind::duration: {
    std::optional<std::chrono::nanoseconds> span;
    if (auto given = caf::get_if<caf::timespan>(&raw))
      span = *given;
    else if (auto text = caf::get_if<std::string>(&raw))
      span = parse_duration(*text);
    if (!span)
      return refuse(expected);
    auto ms = std::chrono::duration_cast<milliseconds>(*span);
    if (span->count() < 0 || ms.count() < spec.min || ms.count() > spec.max)
      return refuse("expected a duration of " + allowed_values(spec) + ", got "
                    + format_duration(*span));
    return option_value{ms};
  }
  case option_kind::boolean:
    if (auto flag = caf::get_if<bool>(&raw))
      return option_value{*flag};
    return refuse(expected);
  case option_kind::text: {
    auto text = caf::get_if<std::string>(&raw);
    if (text == nullptr
        || (!spec.choices.empty()
            && std::find(spec.choices.begin(), spec.choices.end(), *text)
                   == spec.choices.end()))
      return refuse(expected);
    if (auto problem = spec.check ? spec.check(*text) : std::string{}; !problem.empty())
      return refuse(problem);
    return option_value{*text};
  }
  case option_kind::text_list: {
    auto list = caf::get_if<caf::config_value::list>(&raw);
    if (list == nullptr)
      return refuse(expected);
    std::vector<std::string> items;
    for (const auto& item : *list) {
      auto text = caf::get_if<std::string>(&item);
      if (text == nullptr)
        return refuse(expected);
      items.push_back(*text);
    }
    auto before = problems.size();
    for (const auto& item : items)
      if (auto problem = spec.check ? spec.check(item) : std::string{}; !problem.empty())
        problems.push_back(problem);
    if (problems.size() > before)
      return std::nullopt;
    return option_value{std::move(items)};
  }
  }
  return refuse(expected);
}

caf::error accept_any(const caf::config_value&) {
  return caf::none;
}

caf::expected<caf::config_value> keep_text(void*, caf::string_view text) {
  return caf::config_value{std::string{text.begin(), text.end()}};
}

/// CAF's hooks for every row: any value is accepted as written and checked by
/// `read_given` later, so a bad value is reported with its key and source instead of
/// being dropped (file) or stopping the parse (command line). The type name must not be
/// "boolean", or CAF would refuse `--KEY=false` for a bare flag.
const caf::config_option::meta_state unchecked{accept_any, nullptr, nullptr, keep_text,
                                               "value"};

} // namespace

std::string format_value(option_kind kind, const option_value& value) {
  if (kind == option_kind::duration)
    return format_duration(std::get<milliseconds>(value));
  if (auto text = std::get_if<std::string>(&value))
    return "\"" + *text + "\"";
  if (auto number = std::get_if<int64_t>(&value))
    return std::to_string(*number);
  if (auto flag = std::get_if<bool>(&value))
    return *flag ? "true" : "false";
  return "[" + quoted_list(std::get<std::vector<std::string>>(value), ", ") + "]";
}

std::string readable_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return "\"" + path + "\" is not a file";
  if (!std::ifstream{path}.good())
    return "\"" + path + "\" cannot be read";
  return {};
}

std::string directory_or_absent(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec))
    return "\"" + path + "\" exists and is not a directory";
  return {};
}

std::string option_origins::of(const std::string& key) const {
  auto found = source.find(key);
  return found == source.end() ? "defaults" : found->second;
}

std::optional<option_value> read_given(const option_spec& spec, const option_sources& in,
                                       option_origins& origins,
                                       std::vector<std::string>& errors) {
  auto take = [&](const caf::config_value& raw, const std::string& source,
                  const std::string& as_given) {
    std::vector<std::string> problems;
    auto value = convert(spec, raw, as_given, problems);
    for (const auto& problem : problems)
      errors.push_back("config error in " + source + ": " + in.category + "." + spec.key
                       + ": " + problem);
    if (value)
      origins.source[spec.key] = source;
    else
      origins.rejected.insert(spec.key);
    return value;
  };
  auto cli = in.command_line.find(spec.key);
  bool on_cli = cli != in.command_line.end();
  const char* env =
      spec.env.empty() || !in.getenv ? nullptr : in.getenv(spec.env.c_str());
  bool use_env = env != nullptr && *env != '\0' && (spec.env_adds || !on_cli);
  std::optional<option_value> result;
  auto raw = in.values == nullptr ? nullptr : caf::get_if(in.values, spec.key);
  if (on_cli) // CAF kept the text for this key in `values`; convert it as typed
    result = take(value_from_text(spec.kind, cli->second), "command line", cli->second);
  else if (raw != nullptr && (!use_env || spec.env_adds))
    result = take(*raw, in.file, shown(spec, *raw));
  if (use_env) {
    auto added = take(value_from_text(spec.kind, env), "environment " + spec.env, env);
    if (added && result && spec.env_adds) {
      auto& list = std::get<std::vector<std::string>>(*result);
      auto& more = std::get<std::vector<std::string>>(*added);
      list.insert(list.end(), more.begin(), more.end());
    } else if (added) {
      result = std::move(added);
    }
  }
  if (origins.rejected.count(spec.key) > 0) {
    origins.source.erase(spec.key);
    return std::nullopt;
  }
  return result;
}

void add_to_caf(caf::config_option_set& set, const std::string& category,
                const option_spec& spec) {
  set.add(caf::config_option{category, spec.key, spec.meaning, &unchecked});
}

caf::config_value value_from_text(option_kind kind, const std::string& text) {
  if (kind == option_kind::duration)
    if (auto span = parse_duration(text))
      return caf::config_value{caf::timespan{*span}};
  if (kind == option_kind::text_list && (text.empty() || text.front() != '[')) {
    caf::config_value::list items;
    for (auto& item : split_list(text, ','))
      items.emplace_back(std::move(item));
    return caf::config_value{std::move(items)};
  }
  // Integers, true/false, ["a", "b"] and "quoted text" as CAF writes them; any other
  // text (and all of a text option's unquoted value) stays the string it is.
  if (kind != option_kind::text || (!text.empty() && text.front() == '"'))
    if (auto parsed = caf::config_value::parse(text))
      return *parsed;
  return caf::config_value{text};
}

std::string allowed_values(const option_spec& spec) {
  auto zero = spec.zero_means.empty() ? "" : ", 0 = " + spec.zero_means;
  switch (spec.kind) {
  case option_kind::integer:
    return std::to_string(spec.min) + ".." + std::to_string(spec.max) + zero;
  case option_kind::duration: {
    auto zero_is = spec.zero_means.empty() ? "" : ", 0s = " + spec.zero_means;
    if (spec.max != std::numeric_limits<int64_t>::max())
      return format_duration(milliseconds{spec.min}) + ".."
             + format_duration(milliseconds{spec.max}) + zero_is;
    return (spec.min == 0 ? std::string{"0s or more"}
                          : "at least " + format_duration(milliseconds{spec.min}))
           + zero_is;
  }
  case option_kind::boolean:
    return "true or false";
  case option_kind::text_list:
    return "a list of " + spec.items;
  case option_kind::text:
    break;
  }
  return spec.choices.empty() ? std::string{"text"} : quoted_list(spec.choices, " or ");
}

std::string expectation(const option_spec& spec) {
  switch (spec.kind) {
  case option_kind::integer:
    return "an integer in " + allowed_values(spec);
  case option_kind::duration:
    return "a duration (" + allowed_values(spec) + "), " + duration_syntax;
  case option_kind::boolean:
    return "true or false";
  case option_kind::text_list:
    return "a list of " + spec.items + ", such as [\"a\", \"b\"]";
  case option_kind::text:
    break;
  }
  if (!spec.choices.empty())
    return "one of " + quoted_list(spec.choices, ", ");
  return "a string in double quotes";
}

} // namespace onevalue::config
