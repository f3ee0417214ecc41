#include "app/config/option_parsing.hpp"

#include "actors/core/duration_text.hpp"
#include "app/config/ini_durations.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/settings.hpp>

#include <algorithm>
#include <sstream>

namespace onevalue::config {

namespace {

const option_spec* spec_of(const spec_list& specs, std::string_view key) {
  auto found = std::find_if(specs.begin(), specs.end(),
                            [&](const option_spec* spec) { return spec->key == key; });
  return found == specs.end() ? nullptr : *found;
}

bool is_caf_timespan(const caf::config_option* opt) {
  return opt != nullptr && opt->type_name() == "timespan";
}

} // namespace

parsed_options parse_options(caf::actor_system_config& cfg,
                             const caf::config_option_set& options,
                             const spec_list& specs, const std::string& category,
                             std::vector<std::string> args, const std::string& file,
                             bool has_file, const std::string& ini,
                             std::function<const char*(const char*)> getenv) {
  parsed_options out;
  out.ini =
      respell_ini_durations(ini, [&](std::string_view section, std::string_view key) {
        if (section == category) {
          auto spec = spec_of(specs, key);
          return spec != nullptr && spec->kind == option_kind::duration
                     ? duration_key::onevalue
                     : duration_key::no;
        }
        return is_caf_timespan(options.qualified_name_lookup(
                   {section.data(), section.size()}, {key.data(), key.size()}))
                   ? duration_key::caf
                   : duration_key::no;
      });
  const auto prefix = "--" + category + ".";
  for (auto& arg : args) {
    auto equals = arg.find('=');
    auto name = arg.compare(0, 2, "--") == 0 ? arg.substr(2, equals - 2) : std::string{};
    if (arg.compare(0, prefix.size(), prefix) == 0) {
      auto key = name.substr(category.size() + 1);
      auto spec = spec_of(specs, key);
      if (equals == std::string::npos && spec != nullptr
          && spec->kind == option_kind::boolean)
        arg += "=true";
      auto text = arg.find('=');
      out.sources.command_line[key] =
          text == std::string::npos ? std::string{} : arg.substr(text + 1);
    } else if (equals != std::string::npos
               && is_caf_timespan(options.cli_long_name_lookup(name))) {
      if (auto span = parse_duration(std::string_view{arg}.substr(equals + 1)))
        arg = arg.substr(0, equals + 1) + format_duration(*span, true);
    }
  }
  std::istringstream stream{out.ini};
  if (!has_file)
    stream.setstate(std::ios::failbit);
  out.error = cfg.parse(std::move(args), stream);
  out.sources.category = category;
  out.sources.file = file;
  out.sources.getenv = std::move(getenv);
  auto section = cfg.content.find(category);
  if (section != cfg.content.end())
    out.sources.values = caf::get_if<caf::settings>(&section->second);
  return out;
}

} // namespace onevalue::config
