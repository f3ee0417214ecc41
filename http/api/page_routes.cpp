#include "http/api/page_routes.hpp"

#include "http/api/api_responses.hpp"
#include "http/api/metrics_text.hpp"
#include "http/api/route_table.hpp"
#include "http/ui/ui_assets.hpp"

#include <string>

namespace onevalue {

using reply::error;

void handle_metrics(gateway_backend& backend, const responder& respond) {
  backend.scrape([respond](std::optional<std::string> text) {
    if (!text)
      respond(error(404, "this node keeps no metrics"));
    else
      respond(http_response{200, metrics_content_type, std::move(*text), {}});
  });
}

http_response handle_ui(std::string_view path) {
  auto name = path == "/ui" || path == ui_prefix ? std::string_view{"index.html"}
                                                 : path.substr(ui_prefix.size());
  auto asset = find_ui_asset(name);
  if (!asset)
    return error(404, "no such file of the cluster page: " + std::string{name});
  http_response res{200, asset->content_type, std::string{asset->body}, {}};
  // The page is built into the binary: it changes only with the node's version.
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return res;
}

bool is_public_page_file(const http_request& request) {
  if (request.method != "GET" && request.method != "HEAD")
    return false;
  auto kind = classify_route(request.path);
  return kind == http_route::ui || kind == http_route::ui_asset;
}

} // namespace onevalue
