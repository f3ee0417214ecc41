#pragma once

// Fixed-width unsigned integers as little-endian bytes, for the binary formats of the
// consensus messages, their frames and the acceptor's files. The caller checks bounds.

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace onevalue {

/// Writes the sizeof(T) bytes of `value`, least significant first, to `dst`.
template <class T>
void put_le(char* dst, T value) {
  static_assert(std::is_unsigned_v<T>);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    dst[i] = static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
}

/// Appends the sizeof(T) bytes of `value`, least significant first, to `out` (any
/// container of char with push_back).
template <class T, class Bytes>
void append_le(Bytes& out, T value) {
  static_assert(std::is_unsigned_v<T>);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
}

/// Reads a T from the sizeof(T) bytes at `src`, least significant first.
template <class T>
T get_le(const char* src) {
  static_assert(std::is_unsigned_v<T>);
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    value =
        static_cast<T>(value | (static_cast<T>(static_cast<uint8_t>(src[i])) << (8 * i)));
  return value;
}

} // namespace onevalue
