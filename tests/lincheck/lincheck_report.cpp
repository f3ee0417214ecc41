#include "tests/lincheck/lincheck.hpp"

#include <cstdio>

namespace onevalue::lincheck {

const char* name_of(op_type t) {
  switch (t) {
  case op_type::read:
    return "read";
  case op_type::write:
    return "write";
  case op_type::cas:
    return "cas";
  case op_type::add:
    return "add";
  }
  return "?";
}

const char* name_of(outcome o) {
  switch (o) {
  case outcome::ok:
    return "ok";
  case outcome::fail:
    return "fail";
  case outcome::unknown:
    return "unknown";
  case outcome::refused:
    return "refused";
  }
  return "?";
}

namespace {

std::string version_text(const version& v) {
  return "(" + std::to_string(v.counter) + ", " + v.node + ")";
}

const char* verdict_text(report::verdict v) {
  switch (v) {
  case report::verdict::linearizable:
    return "linearizable";
  case report::verdict::not_linearizable:
    return "NOT linearizable";
  case report::verdict::undecided:
    return "undecided (search budget exhausted)";
  case report::verdict::invalid:
    return "invalid history";
  }
  return "?";
}

} // namespace

std::string describe(const history_op& op) {
  std::string out =
      "client " + std::to_string(op.client) + " on " + op.node + " " + name_of(op.type);
  switch (op.type) {
  case op_type::read:
    break;
  case op_type::write:
  case op_type::add:
    out += "(" + std::to_string(op.argument) + ")";
    break;
  case op_type::cas:
    out += "(" + version_text(op.expected) + " -> " + std::to_string(op.argument) + ")";
    break;
  }
  out += " " + std::string(name_of(op.result));
  if (op.response && op.result != outcome::unknown)
    out += " " + std::to_string(op.response->value) + " at "
           + version_text(op.response->ver);
  out += " [" + std::to_string(op.call) + ", "
         + (op.result == outcome::unknown ? std::string("never") : std::to_string(op.ret))
         + "]";
  return out;
}

std::string format_report(const report& r) {
  std::string out = verdict_text(r.result);
  out += ": " + std::to_string(r.searched_ops) + " operations searched, "
         + std::to_string(r.states_explored) + " states explored\n";
  char line[96];
  std::snprintf(line, sizeof line, "%-6s %9s %9s %9s %9s\n", "", "ok", "fail", "unknown",
                "refused");
  out += line;
  for (int t = 0; t < 4; ++t) {
    const auto& c = r.counts[t];
    std::snprintf(line, sizeof line, "%-6s %9llu %9llu %9llu %9llu\n",
                  name_of(static_cast<op_type>(t)), static_cast<unsigned long long>(c[0]),
                  static_cast<unsigned long long>(c[1]),
                  static_cast<unsigned long long>(c[2]),
                  static_cast<unsigned long long>(c[3]));
    out += line;
  }
  if (!r.explanation.empty())
    out += r.explanation;
  return out;
}

} // namespace onevalue::lincheck
