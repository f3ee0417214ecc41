#pragma once

// The routes that are pages rather than API: `GET /metrics` (Prometheus text) and the
// cluster page `GET /ui`, `/ui/{file}`. Pure, like the router that calls them.

#include "http/api/router.hpp"

#include <string_view>

namespace onevalue {

/// `GET /metrics`: the backend's scrape as Prometheus text, 404 if it keeps none.
void handle_metrics(gateway_backend& backend, const responder& respond);

/// `GET /ui` (the page) and `GET /ui/{file}` (its script and style), from the files
/// embedded at build time; 404 for any other file.
http_response handle_ui(std::string_view path);

/// True for a GET or HEAD of the cluster page's own files: they hold no data, and a
/// browser must load the page before it can send a token (the page then sends one with
/// every API request it makes).
bool is_public_page_file(const http_request& request);

} // namespace onevalue
