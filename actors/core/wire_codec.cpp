#include "actors/core/wire_codec.hpp"

#include <limits>

namespace onevalue {

namespace {

// Fixed parts of each structure (see the table in wire_codec.hpp). A string adds its
// length byte here and its bytes in the size functions.
constexpr std::size_t member_fixed = 1 + 1 + 2 + 2 + 1 + 8;
constexpr std::size_t update_fixed = member_fixed + 1;
constexpr std::size_t value_fixed = 8 + 8 + 1 + 8;
constexpr std::size_t swim_fixed = 1 + 4 + 1 + 1 + 2;
constexpr std::size_t packet_fixed = 2 + member_fixed + swim_fixed + 2 + 1;
constexpr std::size_t state_fixed = 2 + 1 + 4 + value_fixed;

constexpr std::size_t max_string = std::numeric_limits<uint8_t>::max();

/// Appends big-endian integers and length-prefixed strings. Records whether a string
/// was too long for its length byte; the caller then returns no bytes at all.
class writer {
public:
  explicit writer(std::size_t size) { bytes_.reserve(size); }

  template <class T>
  void integer(T x) {
    auto u = static_cast<std::make_unsigned_t<T>>(x);
    for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8)
      bytes_.push_back(static_cast<char>((u >> shift) & 0xFFu));
  }

  void string(const std::string& s) {
    if (s.size() > max_string) {
      too_long_ = true;
      return;
    }
    integer(static_cast<uint8_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }

  void member(const member_info& m) {
    string(m.name);
    string(m.address);
    integer(m.cluster_port);
    integer(m.http_port);
    integer(static_cast<uint8_t>(m.state));
    integer(m.incarnation);
  }

  void value(const versioned_value& v) {
    integer(v.value);
    integer(v.ver.counter);
    string(v.ver.node);
    integer(v.written_at_us);
  }

  std::vector<char> finish() && {
    if (too_long_)
      return {};
    return std::move(bytes_);
  }

private:
  std::vector<char> bytes_;
  bool too_long_ = false;
};

/// Reads big-endian integers and length-prefixed strings from a bounded buffer. The
/// first failure sticks: later reads fail too, and `error()` tells the first cause.
class reader {
public:
  reader(const char* data, std::size_t size)
      : data_(reinterpret_cast<const unsigned char*>(data)), size_(size) {}

  template <class T>
  bool integer(T& out) {
    if (!need(sizeof(T)))
      return false;
    std::make_unsigned_t<T> u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u = static_cast<std::make_unsigned_t<T>>((u << 8) | data_[pos_ + i]);
    out = static_cast<T>(u);
    pos_ += sizeof(T);
    return true;
  }

  /// A string; allocates only once its bytes are known to be there.
  bool string(std::string& out) {
    uint8_t n = 0;
    if (!integer(n) || !need(n))
      return false;
    out.assign(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return true;
  }

  /// A node name: a string that passes `valid_node_name` (empty too if `may_be_empty`).
  bool name(std::string& out, bool may_be_empty = false) {
    auto at = pos_;
    if (!string(out))
      return false;
    if ((may_be_empty && out.empty()) || valid_node_name(out))
      return true;
    return fail(wire_error::invalid_name, at);
  }

  bool member(member_info& m) {
    auto at = pos_;
    uint8_t state = 0;
    if (!name(m.name) || !string(m.address) || !integer(m.cluster_port)
        || !integer(m.http_port) || !integer(state) || !integer(m.incarnation))
      return false;
    if (state > static_cast<uint8_t>(member_state::left))
      return fail(wire_error::bad_enum, at);
    m.state = static_cast<member_state>(state);
    switch (check_member(m)) {
    case member_defect::none:
      return true;
    case member_defect::name:
      return fail(wire_error::invalid_name, at);
    case member_defect::address:
      return fail(wire_error::invalid_address, at);
    case member_defect::port:
      return fail(wire_error::invalid_port, at);
    case member_defect::state:
      break;
    }
    return fail(wire_error::bad_enum, at);
  }

  bool value(versioned_value& v) {
    auto at = pos_;
    if (!integer(v.value) || !integer(v.ver.counter) || !string(v.ver.node)
        || !integer(v.written_at_us))
      return false;
    return valid_version(v.ver) || fail(wire_error::invalid_version, at);
  }

  bool swim(swim_message& s) {
    auto at = pos_;
    uint8_t kind = 0;
    if (!integer(kind) || !integer(s.seq) || !name(s.target, true)
        || !string(s.conflict_address) || !integer(s.conflict_port))
      return false;
    if (kind > static_cast<uint8_t>(swim_kind::nack))
      return fail(wire_error::bad_enum, at);
    s.kind = static_cast<swim_kind>(kind);
    if (!s.conflict_address.empty() && !valid_host(s.conflict_address))
      return fail(wire_error::invalid_address, at);
    if (s.conflict_address.empty() != (s.conflict_port == 0))
      return fail(wire_error::invalid_port, at);
    return true;
  }

  /// A count of items of at least `min_size` bytes each: refused above `limit`, and
  /// truncated if the remaining bytes cannot hold that many.
  template <class T>
  bool count(T& n, std::size_t limit, std::size_t min_size) {
    auto at = pos_;
    if (!integer(n))
      return false;
    if (n > limit)
      return fail(wire_error::too_many_items, at);
    if (static_cast<std::size_t>(n) > (size_ - pos_) / min_size)
      return fail(wire_error::truncated, at);
    return true;
  }

  bool version() {
    uint16_t v = 0;
    if (!integer(v))
      return false;
    return v == wire_version || fail(wire_error::unknown_version, 0);
  }

  bool end() { return pos_ == size_ || fail(wire_error::trailing_bytes, pos_); }

  /// An optional trailing u64 that is never 0 (0 is written by leaving it out, so each
  /// message has one encoding): read if exactly its 8 bytes remain.
  bool optional_trailing_nonzero(uint64_t& out) {
    auto at = pos_;
    if (error_ != wire_error::none || size_ - pos_ != sizeof(uint64_t))
      return true;
    return integer(out) && (out != 0 || fail(wire_error::trailing_bytes, at));
  }

  bool fail(wire_error e, std::size_t at) {
    if (error_ == wire_error::none) {
      error_ = e;
      error_at_ = at;
    }
    return false;
  }

  template <class T>
  decoded<T> result(T value) const {
    decoded<T> d;
    d.error = error_;
    d.offset = error_at_;
    if (error_ == wire_error::none)
      d.value = std::move(value);
    return d;
  }

private:
  bool need(std::size_t n) {
    if (error_ != wire_error::none)
      return false;
    if (size_ - pos_ < n)
      return fail(wire_error::truncated, pos_);
    return true;
  }

  const unsigned char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  wire_error error_ = wire_error::none;
  std::size_t error_at_ = 0;
};

} // namespace

const char* to_string(wire_error e) {
  switch (e) {
  case wire_error::none:
    return "none";
  case wire_error::truncated:
    return "truncated";
  case wire_error::unknown_version:
    return "unknown_version";
  case wire_error::bad_enum:
    return "bad_enum";
  case wire_error::invalid_name:
    return "invalid_name";
  case wire_error::invalid_address:
    return "invalid_address";
  case wire_error::invalid_port:
    return "invalid_port";
  case wire_error::invalid_version:
    return "invalid_version";
  case wire_error::too_many_items:
    return "too_many_items";
  case wire_error::trailing_bytes:
    return "trailing_bytes";
  }
  return "unknown";
}

uint64_t wire_error_counts::total() const {
  uint64_t sum = 0;
  for (auto n : by_reason)
    sum += n;
  return sum;
}

std::size_t encoded_size(const member_info& m) {
  return member_fixed + m.name.size() + m.address.size();
}

std::size_t encoded_size(const member_update& u) {
  return update_fixed + u.member.name.size() + u.member.address.size()
         + u.reporter.size();
}

std::size_t encoded_size(const versioned_value& v) {
  return value_fixed + v.ver.node.size();
}

std::size_t encoded_size_without_items(const packet& p) {
  return packet_fixed + p.sender.name.size() + p.sender.address.size()
         + p.swim.target.size() + p.swim.conflict_address.size();
}

std::size_t encoded_size(const packet& p) {
  auto total = encoded_size_without_items(p);
  for (const auto& u : p.members)
    total += encoded_size(u);
  for (const auto& v : p.values)
    total += encoded_size(v);
  return total;
}

std::size_t encoded_size(const cluster_state& s) {
  auto total = state_fixed + s.sender.size() + s.value.ver.node.size()
               + (s.mode_digest != 0 ? sizeof(uint64_t) : 0);
  for (const auto& m : s.members)
    total += encoded_size(m);
  return total;
}

std::vector<char> encode(const packet& p) {
  if (p.members.size() > std::numeric_limits<uint16_t>::max()
      || p.values.size() > std::numeric_limits<uint8_t>::max())
    return {};
  writer w{encoded_size(p)};
  w.integer(wire_version);
  w.member(p.sender);
  w.integer(static_cast<uint8_t>(p.swim.kind));
  w.integer(p.swim.seq);
  w.string(p.swim.target);
  w.string(p.swim.conflict_address);
  w.integer(p.swim.conflict_port);
  w.integer(static_cast<uint16_t>(p.members.size()));
  for (const auto& u : p.members) {
    w.member(u.member);
    w.string(u.reporter);
  }
  w.integer(static_cast<uint8_t>(p.values.size()));
  for (const auto& v : p.values)
    w.value(v);
  return std::move(w).finish();
}

std::vector<char> encode(const cluster_state& s) {
  if (s.members.size() > std::numeric_limits<uint32_t>::max())
    return {};
  writer w{encoded_size(s)};
  w.integer(wire_version);
  w.string(s.sender);
  w.integer(static_cast<uint32_t>(s.members.size()));
  for (const auto& m : s.members)
    w.member(m);
  w.value(s.value);
  if (s.mode_digest != 0)
    w.integer(s.mode_digest);
  return std::move(w).finish();
}

decoded<packet> decode_packet(const char* data, std::size_t size,
                              const wire_limits& limits) {
  reader r{data, size};
  packet p;
  uint16_t updates = 0;
  uint8_t values = 0;
  if (r.version() && r.member(p.sender) && r.swim(p.swim)
      && r.count(updates, limits.max_updates, update_fixed + 1 + 1 + 1)) {
    p.members.reserve(updates);
    for (uint16_t i = 0; i < updates; ++i) {
      member_update u;
      if (!r.member(u.member) || !r.name(u.reporter))
        break;
      p.members.push_back(std::move(u));
    }
    if (p.members.size() == updates && r.count(values, limits.max_values, value_fixed)) {
      p.values.reserve(values);
      for (uint8_t i = 0; i < values; ++i) {
        versioned_value v;
        if (!r.value(v))
          break;
        p.values.push_back(std::move(v));
      }
      if (p.values.size() == values)
        r.end();
    }
  }
  return r.result(std::move(p));
}

decoded<packet> decode_packet(const std::vector<char>& bytes, const wire_limits& limits) {
  return decode_packet(bytes.data(), bytes.size(), limits);
}

decoded<cluster_state> decode_cluster_state(const char* data, std::size_t size,
                                            const wire_limits& limits) {
  reader r{data, size};
  cluster_state s;
  uint32_t members = 0;
  if (r.version() && r.name(s.sender)
      && r.count(members, limits.max_members, member_fixed + 1 + 1)) {
    s.members.reserve(members);
    for (uint32_t i = 0; i < members; ++i) {
      member_info m;
      if (!r.member(m))
        break;
      s.members.push_back(std::move(m));
    }
    if (s.members.size() == members && r.value(s.value)
        && r.optional_trailing_nonzero(s.mode_digest))
      r.end();
  }
  return r.result(std::move(s));
}

decoded<cluster_state> decode_cluster_state(const std::vector<char>& bytes,
                                            const wire_limits& limits) {
  return decode_cluster_state(bytes.data(), bytes.size(), limits);
}

} // namespace onevalue
