#pragma once

// The checker's file format: JSON Lines, one object per line.
//
// An optional first line sets the initial state (default: value 0 at version (0, "")):
//   {"initial": {"value": 42, "version": {"counter": 0, "node": ""}}}
// Every other line is one operation:
//   {"client": 3, "node": "n2", "type": "cas",
//    "expected": {"counter": 5, "node": "n1"}, "value": 7,
//    "outcome": "ok", "response": {"value": 7, "version": {"counter": 6, "node": "n2"}},
//    "call": 1200, "return": 1350}
// type: "read" | "write" (needs "value") | "cas" (needs "expected" and "value") |
// "add" (needs "delta"); outcome: "ok" | "fail" | "unknown" | "refused"; times are
// integers in one monotonic unit (e.g. nanoseconds); "return" may be omitted or null
// for unknown operations; "response" as described in lincheck.hpp.

#include "tests/lincheck/lincheck.hpp"

#include <istream>
#include <optional>
#include <string>

namespace onevalue::lincheck {

/// Reads a history; on a malformed line returns nullopt and says which line and why.
std::optional<history> parse_history(std::istream& in, std::string& error);

/// The report as one JSON object: verdict, counts per type and outcome, states
/// explored, the explanation, and `seconds` (the time the check took).
std::string report_json(const report& r, double seconds);

} // namespace onevalue::lincheck
