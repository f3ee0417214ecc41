#pragma once

// Documentation rendered from option rows: the option part of --help, the README's
// Markdown tables and a commented reference config file. Pure text, no I/O.

#include "app/config/option_spec.hpp"

#include <string>
#include <vector>

namespace onevalue::config {

/// One paragraph per option, "  --CATEGORY.KEY=<unit>" and its description (meaning,
/// allowed values, default, environment, trade-off) wrapped at 80 columns.
std::string options_help(const spec_list& specs, const std::string& category);

/// A Markdown table: option, values, default (one column per profile if the first
/// spec has profile defaults), meaning and trade-off.
std::string options_markdown(const spec_list& specs);

/// Appends `text` wrapped at `width` columns, each line starting with `prefix`.
void append_wrapped(std::string& out, const std::string& text, const std::string& prefix,
                    std::size_t width);

} // namespace onevalue::config
