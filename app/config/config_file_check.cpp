#include "app/config/config_file_check.hpp"

#include "actors/core/duration_text.hpp"
#include "app/config/config_checks.hpp"

#include <caf/config_option.hpp>
#include <caf/config_value.hpp>
#include <caf/pec.hpp>
#include <caf/sec.hpp>

#include <set>

namespace onevalue::config {

namespace {

std::string to_std(caf::string_view text) {
  return std::string(text.begin(), text.end());
}

std::vector<std::string> names_in(const caf::config_option_set& options,
                                  const std::string& category) {
  std::vector<std::string> result;
  for (const auto& opt : options)
    if (to_std(opt.category()) == category)
      result.push_back(to_std(opt.long_name()));
  return result;
}

std::string unknown_key_message(const caf::config_option_set& options,
                                const std::string& category, const std::string& key) {
  std::string text = category + "." + key + ": not an option";
  auto suggestion = nearest_name(key, names_in(options, category));
  if (!suggestion.empty())
    text += " (did you mean " + category + "." + suggestion + "?)";
  else if (category == "onevalue")
    text += " (onevalue --help lists them)";
  return text;
}

void check_section(const caf::settings& section, const std::string& category,
                   const caf::config_option_set& options, const std::string& prefix,
                   std::vector<std::string>& errors) {
  for (const auto& [key, value] : section) {
    auto opt = options.qualified_name_lookup(category, key);
    if (opt == nullptr) {
      errors.push_back(prefix + unknown_key_message(options, category, key));
      continue;
    }
    if (opt->check(value))
      errors.push_back(prefix + category + "." + key + ": expected " + expectation(*opt)
                       + ", got " + caf::to_string(value));
  }
}

} // namespace

std::string expectation(const caf::config_option& option) {
  auto type = to_std(option.type_name());
  if (type == "uint16")
    return "an integer in 0..65535";
  if (type == "int32" || type == "int64")
    return "an integer";
  if (type == "uint32" || type == "uint64")
    return "a non-negative integer";
  if (type == "timespan")
    return std::string{"a duration, "} + duration_syntax;
  if (type == "string")
    return "a string in double quotes";
  if (type == "atom")
    return "an atom in single quotes, such as 'sharing'";
  if (type == "boolean")
    return "true or false";
  if (type == "list of string")
    return "a list of strings, such as [\"a\", \"b\"]";
  return type;
}

void check_config_file(const caf::settings& raw, const caf::config_option_set& options,
                       const std::string& file, std::vector<std::string>& errors) {
  std::set<std::string> categories;
  for (const auto& opt : options)
    categories.insert(to_std(opt.category()));
  const std::string prefix = "config error in " + file + ": ";
  caf::settings top_level;
  for (const auto& [key, value] : raw) {
    auto section = caf::get_if<caf::settings>(&value);
    if (section == nullptr) {
      top_level.emplace(key, value);
      continue;
    }
    if (categories.count(key) == 0) {
      auto suggestion = nearest_name(
          key, std::vector<std::string>(categories.begin(), categories.end()));
      errors.push_back(prefix + "[" + key + "]: unknown section"
                       + (suggestion.empty() ? std::string{}
                                             : " (did you mean [" + suggestion + "]?)"));
      continue;
    }
    check_section(*section, key, options, prefix, errors);
  }
  // Keys before any section belong to the "global" group.
  check_section(top_level, "global", options, prefix, errors);
}

std::string describe_parse_error(const caf::error& err,
                                 const caf::config_option_set& options,
                                 const std::string& file) {
  if (err == caf::sec::cannot_open_file)
    return "config error in " + file + ": cannot open the config file";
  const auto& context = err.context();
  if (err.category() != caf::atom("parser") || !context.match_elements<caf::settings>())
    return "config error in " + file + ": " + caf::to_string(err);
  const auto& details = context.get_as<caf::settings>(0);
  auto code = static_cast<caf::pec>(err.code());
  if (auto argument = caf::get_if<std::string>(&details, "argument")) {
    const std::string prefix = "config error in command line: ";
    auto name = argument->substr(0, argument->find('='));
    auto value = argument->find('=') == std::string::npos
                     ? std::string{}
                     : argument->substr(argument->find('=') + 1);
    if (name.compare(0, 2, "--") == 0)
      name.erase(0, 2);
    if (code == caf::pec::not_an_option) {
      auto dot = name.find('.');
      if (dot == std::string::npos)
        return prefix + *argument + ": not an option (onevalue --help lists them)";
      return prefix
             + unknown_key_message(options, name.substr(0, dot), name.substr(dot + 1));
    }
    if (code == caf::pec::missing_argument)
      return prefix + name + ": needs a value, as in --" + name + "=VALUE";
    if (auto opt = options.cli_long_name_lookup(name))
      return prefix + to_std(opt->full_name()) + ": expected " + expectation(*opt)
             + ", got " + value;
    return prefix + *argument + ": " + caf::to_string(code);
  }
  auto line = caf::get_or(details, "line", int64_t{0});
  auto column = caf::get_or(details, "column", int64_t{0});
  return "config error in " + file + ": line " + std::to_string(line) + ", column "
         + std::to_string(column) + ": syntax error (" + caf::to_string(code)
         + "); comments start with ';' ('#' is not allowed), strings need \"double "
           "quotes\", durations a unit (250ms, 10m)";
}

} // namespace onevalue::config
