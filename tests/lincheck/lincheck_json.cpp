#include "tests/lincheck/lincheck_json.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace onevalue::lincheck {

namespace {

using nlohmann::json;

/// A field that must be there; throws std::runtime_error naming it otherwise.
const json& need(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null())
    throw std::runtime_error(std::string("missing \"") + key + "\"");
  return j.at(key);
}

int64_t integer(const json& j, const char* key) {
  const auto& v = need(j, key);
  if (!v.is_number_integer())
    throw std::runtime_error(std::string("\"") + key + "\" must be an integer");
  return v.get<int64_t>();
}

version parse_version(const json& j) {
  version v;
  const auto& counter = need(j, "counter");
  if (!counter.is_number_unsigned()
      && !(counter.is_number_integer() && counter.get<int64_t>() >= 0))
    throw std::runtime_error("a version counter must be a non-negative integer");
  v.counter = counter.get<uint64_t>();
  v.node = need(j, "node").get<std::string>();
  return v;
}

versioned_value parse_state(const json& j) {
  return {integer(j, "value"), parse_version(need(j, "version"))};
}

template <class E>
E parse_enum(const std::string& text, const char* what) {
  for (int i = 0; i < 4; ++i)
    if (text == name_of(static_cast<E>(i)))
      return static_cast<E>(i);
  throw std::runtime_error(std::string("unknown ") + what + " \"" + text + "\"");
}

history_op parse_op(const json& j) {
  history_op op;
  if (j.contains("client"))
    op.client = need(j, "client").get<uint64_t>();
  if (j.contains("node"))
    op.node = need(j, "node").get<std::string>();
  op.type = parse_enum<op_type>(need(j, "type").get<std::string>(), "type");
  op.result = parse_enum<outcome>(need(j, "outcome").get<std::string>(), "outcome");
  switch (op.type) {
  case op_type::read:
    break;
  case op_type::write:
    op.argument = integer(j, "value");
    break;
  case op_type::cas:
    op.argument = integer(j, "value");
    op.expected = parse_version(need(j, "expected"));
    break;
  case op_type::add:
    op.argument = integer(j, "delta");
    break;
  }
  if (j.contains("response") && !j.at("response").is_null())
    op.response = parse_state(j.at("response"));
  op.call = integer(j, "call");
  bool returned = j.contains("return") && !j.at("return").is_null();
  if (returned)
    op.ret = integer(j, "return");
  else if (op.result != outcome::unknown)
    throw std::runtime_error("missing \"return\" (only unknown operations may lack it)");
  return op;
}

} // namespace

std::optional<history> parse_history(std::istream& in, std::string& error) {
  history h;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    try {
      auto j = json::parse(line);
      if (!j.is_object())
        throw std::runtime_error("not a JSON object");
      if (j.contains("initial")) {
        if (!h.ops.empty())
          throw std::runtime_error("\"initial\" must come before every operation");
        h.initial = parse_state(j.at("initial"));
        continue;
      }
      h.ops.push_back(parse_op(j));
    } catch (const std::exception& e) {
      error = "line " + std::to_string(number) + ": " + e.what();
      return std::nullopt;
    }
  }
  return h;
}

std::string report_json(const report& r, double seconds) {
  static const char* verdicts[] = {"linearizable", "not_linearizable", "undecided",
                                   "invalid"};
  json counts = json::object();
  for (int t = 0; t < 4; ++t)
    for (int o = 0; o < 4; ++o)
      counts[name_of(static_cast<op_type>(t))][name_of(static_cast<outcome>(o))] =
          r.counts[t][o];
  json j{{"verdict", verdicts[static_cast<int>(r.result)]},
         {"searched_ops", r.searched_ops},
         {"states_explored", r.states_explored},
         {"counts", counts},
         {"explanation", r.explanation},
         {"seconds", seconds}};
  return j.dump();
}

} // namespace onevalue::lincheck
