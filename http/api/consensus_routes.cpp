#include "http/api/consensus_routes.hpp"

#include "http/api/api_responses.hpp"
#include "http/api/delta_body.hpp"
#include "http/api/json_codec.hpp"

namespace onevalue {

using reply::add_version_headers;
using reply::error;
using reply::json;
using reply::write_failure;

http_response needs_linearizable(const std::string& what) {
  return error(409, what
                        + " needs the linearizable mode (consistency = "
                          "\"linearizable\" with voters on every node); this cluster "
                          "runs in eventual mode");
}

namespace {

/// The response to a successful consensus operation (add, consistent read).
http_response committed_response(const versioned_value& v, const char* read_kind) {
  auto res = json(nlohmann::json(v));
  add_version_headers(res, v);
  if (read_kind != nullptr)
    res.headers.emplace_back("X-Onevalue-Read", read_kind);
  return res;
}

} // namespace

void handle_add(const http_request& req, gateway_backend& backend,
                const responder& respond) {
  auto parsed = parse_delta_body(req.body);
  if (!parsed.ok) {
    respond(error(400, parsed.error));
    return;
  }
  backend.add(parsed.value, [respond](const write_outcome& out) {
    if (out.outcome != write_outcome::kind::ok)
      respond(write_failure(out));
    else
      respond(committed_response(out.value, nullptr));
  });
}

void handle_consistent_read(gateway_backend& backend, const responder& respond) {
  backend.read_consistent([respond](const write_outcome& out) {
    if (out.outcome != write_outcome::kind::ok)
      respond(write_failure(out));
    else
      respond(committed_response(out.value, "consistent"));
  });
}

} // namespace onevalue
