#include "actors/core/event_handler_spec.hpp"

#include <cctype>

namespace onevalue {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Whether `s` could only be meant as a filter (see parse_event_handler_spec).
bool looks_like_filter(std::string_view s) {
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != ',' && c != '*'
        && c != ' ' && c != '\t')
      return false;
  return true;
}

event_handler_parse failure(std::string message) {
  return {std::nullopt, std::move(message)};
}

} // namespace

const char* to_string(event_type type) {
  switch (type) {
  case event_type::member_join:
    return "member-join";
  case event_type::member_leave:
    return "member-leave";
  case event_type::member_failed:
    return "member-failed";
  case event_type::member_update:
    return "member-update";
  case event_type::member_reap:
    return "member-reap";
  case event_type::value:
    return "value";
  }
  return "unknown";
}

std::optional<event_type> parse_event_type(std::string_view text) {
  for (auto type : all_event_types)
    if (text == to_string(type))
      return type;
  return std::nullopt;
}

event_handler_parse parse_event_handler_spec(std::string_view text) {
  if (text.size() > max_event_handler_spec_size)
    return failure("longer than " + std::to_string(max_event_handler_spec_size)
                   + " bytes");
  for (char c : text)
    if (c == '\0' || c == '\r' || c == '\n')
      return failure("contains a NUL, CR or LF byte");
  event_handler_spec spec;
  auto command = text;
  auto eq = text.find('=');
  if (eq != std::string_view::npos && looks_like_filter(text.substr(0, eq))) {
    auto filter = trim(text.substr(0, eq));
    command = text.substr(eq + 1);
    if (filter.empty())
      return failure("empty event filter before '=' (leave out \"=\" for every event)");
    spec.events = 0;
    while (true) {
      auto comma = filter.find(',');
      auto name = trim(filter.substr(0, comma));
      if (name == "*")
        spec.events = all_events;
      else if (auto type = parse_event_type(name))
        spec.events |= mask_of(*type);
      else if (name.empty())
        return failure("empty event type in \"" + std::string{filter} + "\"");
      else
        return failure("unknown event type \"" + std::string{name}
                       + "\" (expected member-join, member-leave, member-failed, "
                         "member-update, member-reap, value or *)");
      if (comma == std::string_view::npos)
        break;
      filter.remove_prefix(comma + 1);
    }
  }
  command = trim(command);
  if (command.empty())
    return failure("empty command");
  spec.command = std::string{command};
  return {std::move(spec), {}};
}

std::string format_event_handler_spec(const event_handler_spec& spec) {
  if (spec.events == all_events) {
    // A command whose start would be read as a filter keeps an explicit "*=".
    auto eq = spec.command.find('=');
    bool ambiguous = eq != std::string::npos
                     && looks_like_filter(std::string_view{spec.command}.substr(0, eq));
    return ambiguous ? "*=" + spec.command : spec.command;
  }
  std::string out;
  for (auto type : all_event_types)
    if (spec.handles(type))
      out += std::string{out.empty() ? "" : ","} + to_string(type);
  return out + "=" + spec.command;
}

} // namespace onevalue
