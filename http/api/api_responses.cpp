#include "http/api/api_responses.hpp"

#include "http/api/json_codec.hpp"
#include "http/api/query_parsing.hpp"

#include <chrono>

namespace onevalue::reply {

http_response error(int status, const std::string& message) {
  return {status, json_type, error_body(message), {}};
}

http_response text(const std::string& body) {
  return {200, text_type, body + "\n", {}};
}

http_response json(const nlohmann::json& body) {
  return {200, json_type, json_body(body), {}};
}

http_response not_ready() {
  auto res = error(503, "node is starting; no value published yet");
  res.headers.emplace_back("Retry-After", "1");
  return res;
}

void add_version_headers(http_response& res, const versioned_value& v) {
  res.headers.emplace_back("ETag", format_etag(v.ver));
  res.headers.emplace_back("X-Onevalue-Index", std::to_string(v.ver.counter));
}

http_response write_failure(const write_outcome& out) {
  switch (out.outcome) {
  case write_outcome::kind::not_synchronized: {
    auto res = error(503, "node has not synchronized with the cluster yet; write not "
                          "applied, retry later");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::precondition_failed: {
    auto res = json(nlohmann::json(out.value));
    res.status = 412;
    add_version_headers(res, out.value);
    return res;
  }
  case write_outcome::kind::timeout: {
    auto res = error(503, "write timed out: " + out.message);
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::persistence_failed:
    return error(500, "write not durable, not applied: " + out.message);
  case write_outcome::kind::disk_full:
    return error(507, "disk full on this node: write not applied (reads still work; "
                      "writes resume once space is freed): "
                          + out.message);
  case write_outcome::kind::overflow: {
    auto body = nlohmann::json(out.value);
    body["error"] = "the sum does not fit in int64; nothing was written";
    http_response res{409, json_type, json_body(body), {}};
    add_version_headers(res, out.value);
    return res;
  }
  case write_outcome::kind::unavailable: {
    auto res = error(503, "no quorum: a majority of the voters did not answer; the "
                          "operation did not take effect, retry later ("
                              + out.message + ")");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  case write_outcome::kind::unknown: {
    nlohmann::json body;
    body["error"] = "timed out after the proposal left this node: the operation may "
                    "still take effect (read the value to find out) ("
                    + out.message + ")";
    body["outcome"] = "unknown";
    return {504, json_type, json_body(body), {}};
  }
  case write_outcome::kind::failed:
  case write_outcome::kind::ok:
    break;
  }
  return error(500, "write failed: " + out.message);
}

const char* flag(bool b) {
  return b ? "true" : "false";
}

http_response value_response(const node_view& view) {
  auto body = nlohmann::json(view.value);
  body["synchronized"] = view.synchronized;
  auto res = json(body);
  add_version_headers(res, view.value);
  res.headers.emplace_back("X-Onevalue-Synchronized", flag(view.synchronized));
  res.headers.emplace_back(
      "X-Onevalue-Applied-At",
      std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                         view.applied_at.time_since_epoch())
                         .count()));
  return res;
}

} // namespace onevalue::reply
