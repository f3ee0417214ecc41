#include "app/config/option_docs.hpp"

#include <algorithm>
#include <sstream>

namespace onevalue::config {

namespace {

/// "Default: 8080.", "Default: 1s (profile lan), 200ms (profile local)."
std::string default_sentence(const option_spec& spec) {
  if (!per_profile(spec))
    return "Default: " + spec.default_text + ".";
  const auto& all = spec.profile_defaults;
  if (std::all_of(all.begin(), all.end(),
                  [&](const auto& p) { return p.second == all[0].second; }))
    return "Default: " + all.front().second + " (every profile).";
  std::string out = "Default: ";
  for (const auto& [profile, value] : spec.profile_defaults)
    out += (out.size() > 9 ? ", " : "") + value + " (profile " + profile + ")";
  return out + ".";
}

std::string env_sentence(const option_spec& spec) {
  if (spec.env.empty())
    return {};
  auto list = spec.kind == option_kind::text_list ? " (comma-separated)" : "";
  return " Environment " + spec.env + (spec.env_adds ? " adds to it" : " sets it") + list
         + ".";
}

/// "port, 1..65535", "duration, at least 1ms", "level, \"trace\" or ..."
std::string values_of(const option_spec& spec) {
  if (spec.kind == option_kind::text_list || spec.kind == option_kind::boolean)
    return allowed_values(spec);
  if (spec.kind == option_kind::text && spec.choices.empty())
    return spec.unit;
  return spec.unit + ", " + allowed_values(spec);
}

std::string code(const std::string& text) {
  return "`" + text + "`";
}

std::string cell(std::string text) {
  std::string out;
  for (char c : text)
    out += c == '|' ? std::string{"\\|"} : std::string(1, c);
  return out;
}

} // namespace

void append_wrapped(std::string& out, const std::string& text, const std::string& prefix,
                    std::size_t width) {
  std::istringstream words{text};
  std::string word;
  std::size_t column = 0;
  while (words >> word) {
    if (column > prefix.size() && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    }
    if (column == 0) {
      out += prefix;
      column = prefix.size();
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  out += '\n';
}

std::string options_help(const spec_list& specs, const std::string& category) {
  std::string out;
  for (const auto* spec : specs) {
    out += "  --" + category + "." + spec->key;
    out += spec->kind == option_kind::boolean ? "[=true|false]\n"
                                              : "=<" + values_of(*spec) + ">\n";
    append_wrapped(out,
                   spec->meaning + " " + default_sentence(*spec) + env_sentence(*spec)
                       + " " + spec->tradeoff,
                   "      ", 80);
  }
  return out;
}

std::string options_markdown(const spec_list& specs) {
  if (specs.empty())
    return {};
  std::string head = "| option | values |";
  std::string rule = "|---|---|";
  const auto& profiles = specs.front()->profile_defaults;
  for (const auto& profile : profiles) {
    head += " " + profile.first + " |";
    rule += "---|";
  }
  if (profiles.empty()) {
    head += " default |";
    rule += "---|";
  }
  std::string out = head + " meaning and trade-off |\n" + rule + "---|\n";
  for (const auto* spec : specs) {
    out += "| `" + spec->key + "` | " + cell(values_of(*spec)) + " |";
    if (profiles.empty())
      out += " "
             + (spec->default_in_words ? spec->default_text : code(spec->default_text))
             + " |";
    for (const auto& profile : spec->profile_defaults)
      out += " " + code(profile.second) + " |";
    out +=
        " " + cell(spec->meaning + env_sentence(*spec) + " " + spec->tradeoff) + " |\n";
  }
  return out;
}

} // namespace onevalue::config
