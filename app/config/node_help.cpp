#include "app/config/node_help.hpp"

#include "actors/core/duration_text.hpp"
#include "app/config/caf_defaults.hpp"
#include "app/config/option_docs.hpp"
#include "app/config/option_table.hpp"

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>

namespace onevalue {

namespace {

using config::per_profile;

bool node_level(const config::option_spec& spec) {
  return !per_profile(spec);
}

std::string marked(const std::string& name, const std::string& table) {
  return "<!-- " + name + ":begin -->\n" + table + "<!-- " + name + ":end -->\n";
}

} // namespace

std::string node_help_text(const caf::config_option_set& caf_options, bool long_help) {
  const auto& table = node_option_table();
  std::string out = "Usage: onevalue [--config-file=FILE] [--onevalue.KEY=VALUE ...]\n\n"
                    "A node of onevalue, a clustered database of one 64-bit integer.\n\n";
  config::append_wrapped(
      out,
      std::string{"Options come from FILE (default caf-application.ini in the working "
                  "directory), section [onevalue], in CAF's INI dialect: comments start "
                  "with ';', strings in \"double quotes\", lists as [\"a\", \"b\"], "
                  "durations as "}
          + duration_syntax
          + ". The environment overrides the file and the command line overrides both. "
            "CAF's own sections ([middleman], [scheduler], ...) may appear in the same "
            "file; --long-help lists them.",
      "", 80);
  out += "\nEnvironment:\n";
  for (const auto& row : table)
    if (!row.env.empty())
      out += "  " + row.env + (row.env_adds ? " adds to" : " sets") + " onevalue."
             + row.key + "\n";
  out += "\nOptions:\n"
         + config::options_help(config::specs_of(table, node_level), "onevalue");
  out += "\nProtocol options (defaults from onevalue.profile):\n"
         + config::options_help(config::specs_of(table, per_profile), "onevalue");
  out += "\nOther:\n"
         "  -h, --help          print this text and exit\n"
         "  --long-help         also list CAF's own options\n"
         "  --dump-config       check, then print the configuration CAF holds\n"
         "  --options-markdown  print the README's option tables\n";
  if (!long_help)
    return out;
  out += "\nCAF settings onevalue changes, unless the file or command line sets them:\n";
  for (const auto& entry : config::caf_defaults())
    out += "  " + entry.key + "=" + caf::to_string(entry.value) + "\n";
  caf::config_option_set others;
  for (const auto& opt : caf_options)
    if (opt.category() != "onevalue")
      others.add(opt);
  return out + "\nCAF's own options:\n" + others.help_text(false) + "\n";
}

std::string node_options_markdown() {
  const auto& table = node_option_table();
  return marked("options-table",
                config::options_markdown(config::specs_of(table, node_level)))
         + "\n"
         + marked("protocol-options-table",
                  config::options_markdown(config::specs_of(table, per_profile)));
}

} // namespace onevalue
