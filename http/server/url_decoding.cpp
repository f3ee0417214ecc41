#include "http/server/url_decoding.hpp"

#include "http/server/text_util.hpp"

namespace onevalue {

namespace {

/// How the decoder treats the parts of the two grammars that differ.
struct decoding_rules {
  /// '+' decodes to a space (form encoding in query strings).
  bool plus_is_space = false;
  /// A malformed escape fails the whole decode; otherwise it is kept literally.
  bool strict = true;
  /// Decoded bytes that fail a strict decode.
  std::string_view refused;
};

bool decode(std::string_view in, std::string& out, const decoding_rules& rules) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && rules.plus_is_space) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    int hi = i + 2 < in.size() ? hex_digit(in[i + 1]) : -1;
    int lo = hi >= 0 ? hex_digit(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      if (rules.strict)
        return false;
      out.push_back(c);
      continue;
    }
    auto decoded = static_cast<char>(hi * 16 + lo);
    if (rules.refused.find(decoded) != std::string_view::npos)
      return false;
    out.push_back(decoded);
    i += 2;
  }
  return true;
}

} // namespace

bool percent_decode_path(std::string_view in, std::string& out) {
  using namespace std::string_view_literals;
  return decode(in, out, {false, true, "\0?"sv});
}

std::map<std::string, std::string> parse_query_string(std::string_view query) {
  const decoding_rules rules{true, false, {}};
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    std::string key;
    std::string value;
    decode(pair.substr(0, eq), key, rules);
    if (eq != std::string_view::npos)
      decode(pair.substr(eq + 1), value, rules);
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

} // namespace onevalue
