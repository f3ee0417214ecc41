#pragma once

#include "actors/metrics/node_metrics.hpp"
#include "http/server/http_message.hpp"

#include <memory>

namespace onevalue {

/// Wraps `inner` (the API's handler) so that every answered request is counted in
/// `metrics` by method, route template (`classify_route`) and status, with its
/// duration from dispatch to response. Adds no lock: the counters are atomics created
/// up front (see node_metrics). A request whose responder is never called is never
/// counted (the server answers those itself when it stops).
request_handler metered_handler(request_handler inner,
                                std::shared_ptr<node_metrics> metrics);

} // namespace onevalue
