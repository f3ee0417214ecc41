#include "app/config/ini_durations.hpp"

#include "actors/core/duration_text.hpp"

#include <algorithm>
#include <cctype>

namespace onevalue::config {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/// CAF ends a value at a NUL byte and refuses control characters in strings: a value
/// with any is left for CAF to report, as quoting it would turn accepted text into an
/// error (found by fuzz_config_durations).
bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text)
    out += c == '"' || c == '\\' ? std::string{'\\', c} : std::string(1, c);
  return out + '"';
}

/// The line with its value respelled if it is `KEY = VALUE` of a duration key.
std::string respell_line(std::string_view line, std::string_view section,
                         const duration_key_lookup& lookup) {
  auto equals = line.find('=');
  auto key = trimmed(line.substr(0, equals));
  if (equals == std::string_view::npos || key.empty()
      || std::find_if_not(key.begin(), key.end(), is_name_char) != key.end())
    return std::string{line};
  auto rest = line.substr(equals + 1);
  auto value = trimmed(rest.substr(0, rest.find(';')));
  auto kind = lookup(section, key);
  if (kind == duration_key::no || value.empty()
      || std::string_view{"\"'[{"}.find(value.front()) != std::string_view::npos)
    return std::string{line};
  std::string replacement;
  if (auto parsed = parse_duration(value))
    replacement = format_duration(*parsed, true);
  else if (kind == duration_key::onevalue
           && std::none_of(value.begin(), value.end(), is_control))
    replacement = quoted(value);
  else
    return std::string{line};
  auto start = static_cast<std::size_t>(value.data() - line.data()); // a view into line
  return std::string{line.substr(0, start)} + replacement
         + std::string{line.substr(start + value.size())};
}

} // namespace

std::string respell_ini_durations(std::string_view ini,
                                  const duration_key_lookup& lookup) {
  std::string out;
  std::string section = "global";
  for (std::size_t begin = 0; begin <= ini.size();) {
    auto end = std::min(ini.find('\n', begin), ini.size());
    auto line = ini.substr(begin, end - begin);
    auto header = trimmed(line);
    if (!header.empty() && header.front() == '[') {
      // "[ onevalue ]" opens a section; "[\"a\"]," in a multi-line list does not.
      auto name = trimmed(header.substr(1, header.find(']') - 1));
      if (header.find(']') != std::string_view::npos && !name.empty()
          && std::find_if_not(name.begin(), name.end(), is_name_char) == name.end())
        section = std::string{name};
      out += line;
    } else {
      out += respell_line(line, section, lookup);
    }
    if (end < ini.size())
      out += '\n';
    begin = end + 1;
  }
  return out;
}

} // namespace onevalue::config
