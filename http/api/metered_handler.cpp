#include "http/api/metered_handler.hpp"

#include "http/api/router.hpp"

#include <chrono>
#include <utility>

namespace onevalue {

request_handler metered_handler(request_handler inner,
                                std::shared_ptr<node_metrics> metrics) {
  return [inner = std::move(inner),
          metrics = std::move(metrics)](const http_request& request, responder respond) {
    using clock = std::chrono::steady_clock;
    auto method = method_of(request.method);
    auto route = classify_route(request.path);
    auto start = clock::now();
    // A plain pointer, not a copy of the shared_ptr: two atomic reference count updates
    // on one cache line that every event loop shares would cost each request more than
    // the counting itself. The handler (holding the shared_ptr) outlives its requests.
    inner(request, [metrics = metrics.get(), method, route, start,
                    respond = std::move(respond)](http_response res) {
      std::chrono::duration<double> took = clock::now() - start;
      metrics->count_request(method, route, res.status, took.count());
      respond(std::move(res));
    });
  };
}

} // namespace onevalue
