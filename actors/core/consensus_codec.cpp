#include "actors/core/consensus_codec.hpp"

#include "actors/core/little_endian.hpp"
#include "actors/core/persistence.hpp"

#include <cstring>

namespace onevalue {

namespace {

constexpr std::string_view acceptor_magic = "onevalue-acceptor";

enum class kind : uint8_t { prepare = 1, promise, accept, accepted, reject };

/// Appends fields; `ok` turns false once a field is out of its bound.
struct writer {
  std::string out;
  bool ok = true;

  void u8(uint8_t x) { out.push_back(static_cast<char>(x)); }
  void u64(uint64_t x) { append_le(out, x); }
  void u32(uint32_t x) { append_le(out, x); }
  void str(const std::string& s) {
    if (s.size() > max_node_name_length) {
      ok = false;
      return;
    }
    u8(static_cast<uint8_t>(s.size()));
    out += s;
  }
  void put(const ballot& b) {
    u64(b.counter);
    str(b.proposer);
    u64(b.epoch);
  }
  void put(const register_state& s) {
    u64(static_cast<uint64_t>(s.current.value));
    u64(s.current.ver.counter);
    str(s.current.ver.node);
    if (s.proposers.size() > max_tracked_proposers) {
      ok = false;
      return;
    }
    u8(static_cast<uint8_t>(s.proposers.size()));
    for (const auto& r : s.proposers) {
      str(r.name);
      u64(r.epoch);
      u64(r.attempt);
      u64(r.index);
    }
    u64(s.forgotten_through);
  }
};

/// Reads fields; the first failure sets `error` (naming the field) and sticks.
struct reader {
  std::string_view in;
  std::string& error;
  std::size_t pos = 0;

  bool fail(const std::string& what) {
    if (error.empty())
      error = what + " at byte " + std::to_string(pos);
    return false;
  }
  bool u8(uint8_t& x, const char* field) {
    if (pos + 1 > in.size())
      return fail(std::string("truncated ") + field);
    x = static_cast<uint8_t>(in[pos++]);
    return true;
  }
  bool u64(uint64_t& x, const char* field) {
    if (pos + 8 > in.size())
      return fail(std::string("truncated ") + field);
    x = get_le<uint64_t>(in.data() + pos);
    pos += 8;
    return true;
  }
  bool flag(bool& x, const char* field) {
    uint8_t raw = 0;
    if (!u8(raw, field))
      return false;
    if (raw > 1)
      return fail(std::string("flag ") + field + " is neither 0 nor 1");
    x = raw == 1;
    return true;
  }
  bool str(std::string& s, const char* field) {
    uint8_t len = 0;
    if (!u8(len, field))
      return false;
    if (len > max_node_name_length)
      return fail(std::string(field) + " longer than 64 bytes");
    if (pos + len > in.size())
      return fail(std::string("truncated ") + field);
    s.assign(in.substr(pos, len));
    pos += len;
    return true;
  }
  bool get(ballot& b, const char* field) {
    if (!u64(b.counter, field) || !str(b.proposer, field) || !u64(b.epoch, field))
      return false;
    bool none = b.counter == 0;
    if (none != b.proposer.empty() || (none && b.epoch != 0))
      return fail(std::string(field) + " is neither a ballot nor none");
    return true;
  }
  bool get(register_state& s) {
    uint64_t value = 0;
    uint8_t count = 0;
    if (!u64(value, "value") || !u64(s.current.ver.counter, "index")
        || !str(s.current.ver.node, "version proposer") || !u8(count, "record count"))
      return false;
    s.current.value = static_cast<int64_t>(value);
    if (count > max_tracked_proposers)
      return fail("more than 32 proposer records");
    s.proposers.resize(count);
    for (auto& r : s.proposers)
      if (!str(r.name, "record name") || !u64(r.epoch, "record epoch")
          || !u64(r.attempt, "record attempt") || !u64(r.index, "record index"))
        return false;
    if (!u64(s.forgotten_through, "forgotten_through"))
      return false;
    auto problem = check_register_state(s);
    return problem.empty() || fail("register state: " + problem);
  }
  bool at_end() { return pos == in.size() || fail("trailing bytes"); }
};

void put_message(writer& w, const consensus_message& msg) {
  w.u8(consensus_format_version);
  if (const auto* m = std::get_if<prepare_message>(&msg)) {
    w.u8(static_cast<uint8_t>(kind::prepare));
    w.put(m->b);
  } else if (const auto* m = std::get_if<promise_message>(&msg)) {
    w.u8(static_cast<uint8_t>(kind::promise));
    w.put(m->b);
    w.put(m->accepted);
    if (!m->accepted.none())
      w.put(m->state);
  } else if (const auto* m = std::get_if<accept_message>(&msg)) {
    w.u8(static_cast<uint8_t>(kind::accept));
    w.put(m->b);
    w.put(m->state);
    w.u8(m->promise_next ? 1 : 0);
  } else if (const auto* m = std::get_if<accepted_message>(&msg)) {
    w.u8(static_cast<uint8_t>(kind::accepted));
    w.put(m->b);
    w.u8(m->promised_next ? 1 : 0);
  } else if (const auto* m = std::get_if<reject_message>(&msg)) {
    w.u8(static_cast<uint8_t>(kind::reject));
    w.put(m->b);
    w.u8(m->phase == consensus_phase::accept ? 1 : 0);
    w.put(m->seen);
  }
}

std::optional<consensus_message> get_message(reader& r) {
  uint8_t format = 0;
  uint8_t k = 0;
  if (!r.u8(format, "format") || !r.u8(k, "kind"))
    return std::nullopt;
  if (format != consensus_format_version) {
    r.fail("unknown consensus format " + std::to_string(format));
    return std::nullopt;
  }
  switch (static_cast<kind>(k)) {
  case kind::prepare: {
    prepare_message m;
    if (r.get(m.b, "ballot") && !m.b.none())
      return m;
    break;
  }
  case kind::promise: {
    promise_message m;
    if (r.get(m.b, "ballot") && r.get(m.accepted, "accepted ballot")
        && (m.accepted.none() || r.get(m.state)) && !m.b.none())
      return m;
    break;
  }
  case kind::accept: {
    accept_message m;
    if (r.get(m.b, "ballot") && r.get(m.state) && r.flag(m.promise_next, "promise_next")
        && !m.b.none())
      return m;
    break;
  }
  case kind::accepted: {
    accepted_message m;
    if (r.get(m.b, "ballot") && r.flag(m.promised_next, "promised_next") && !m.b.none())
      return m;
    break;
  }
  case kind::reject: {
    reject_message m;
    bool accept_phase = false;
    if (r.get(m.b, "ballot") && r.flag(accept_phase, "phase")
        && r.get(m.seen, "seen ballot") && !m.b.none()) {
      m.phase = accept_phase ? consensus_phase::accept : consensus_phase::prepare;
      return m;
    }
    break;
  }
  default:
    r.fail("unknown message kind " + std::to_string(k));
    return std::nullopt;
  }
  r.fail("a request or reply for no ballot");
  return std::nullopt;
}

} // namespace

std::optional<std::string> encode_consensus_message(const consensus_message& msg) {
  writer w;
  put_message(w, msg);
  if (!w.ok)
    return std::nullopt;
  return std::move(w.out);
}

std::optional<consensus_message> decode_consensus_message(std::string_view bytes,
                                                          std::string& error) {
  error.clear();
  if (bytes.size() > max_consensus_message_size) {
    error = "message of " + std::to_string(bytes.size()) + " bytes exceeds the maximum";
    return std::nullopt;
  }
  reader r{bytes, error};
  auto msg = get_message(r);
  if (!msg || !r.at_end())
    return std::nullopt;
  return msg;
}

std::optional<std::string> encode_acceptor_state(const acceptor_state& state) {
  writer w;
  w.out.append(acceptor_magic);
  w.u8(consensus_format_version);
  w.put(state.promised);
  w.put(state.accepted);
  if (!state.accepted.none())
    w.put(state.state);
  if (!w.ok)
    return std::nullopt;
  w.u32(crc32(w.out.data(), w.out.size()));
  return std::move(w.out);
}

std::optional<acceptor_state> decode_acceptor_state(std::string_view bytes,
                                                    std::string& error) {
  error.clear();
  if (bytes.size() > max_acceptor_file_size) {
    error = "acceptor file larger than its maximum";
    return std::nullopt;
  }
  if (bytes.size() < acceptor_magic.size() + 1 + 4
      || bytes.substr(0, acceptor_magic.size()) != acceptor_magic) {
    error = "not an acceptor file (bad magic)";
    return std::nullopt;
  }
  auto body = bytes.substr(0, bytes.size() - 4);
  auto stored = get_le<uint32_t>(bytes.data() + body.size());
  if (crc32(body.data(), body.size()) != stored) {
    error = "acceptor file checksum mismatch";
    return std::nullopt;
  }
  reader r{body, error};
  r.pos = acceptor_magic.size();
  uint8_t format = 0;
  acceptor_state state;
  if (!r.u8(format, "format"))
    return std::nullopt;
  if (format != consensus_format_version) {
    r.fail("unknown acceptor file format " + std::to_string(format));
    return std::nullopt;
  }
  if (!r.get(state.promised, "promised ballot")
      || !r.get(state.accepted, "accepted ballot")
      || (!state.accepted.none() && !r.get(state.state)) || !r.at_end())
    return std::nullopt;
  if (state.promised < state.accepted) {
    error = "acceptor file promises less than it accepted";
    return std::nullopt;
  }
  return state;
}

} // namespace onevalue
