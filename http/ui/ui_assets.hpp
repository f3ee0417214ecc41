#pragma once

// The cluster page's files (index.html, app.js, style.css in this directory), embedded
// in the binary at build time by embed_ui.cmake: the node serves them itself and the
// page loads nothing from anywhere else.

#include <optional>
#include <string_view>

namespace onevalue {

/// One embedded file.
struct ui_asset {
  const char* content_type;
  std::string_view body;
};

/// The file `name` ("index.html", "app.js", "style.css"), or nothing for any other
/// name. Thread-safe (constant data).
std::optional<ui_asset> find_ui_asset(std::string_view name);

} // namespace onevalue
