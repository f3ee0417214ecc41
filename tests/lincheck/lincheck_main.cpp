// onevalue_lincheck: checks a recorded history of the register for linearizability.
//
//   onevalue_lincheck [--json] [--max-states N] FILE|-
//
// FILE is JSON Lines (see lincheck_json.hpp). Prints the report (text, or one JSON
// object with --json). Exit status: 0 linearizable, 1 not linearizable, 2 a usage
// error or an invalid history, 3 undecided (the search budget ran out).

#include "tests/lincheck/lincheck_json.hpp"

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

using namespace onevalue::lincheck;

namespace {

int usage(const char* why) {
  std::cerr << "onevalue_lincheck: " << why
            << "\nusage: onevalue_lincheck [--json] [--max-states N] FILE|-\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  bool as_json = false;
  check_options options;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      as_json = true;
    } else if (std::strcmp(argv[i], "--max-states") == 0 && i + 1 < argc) {
      char* end = nullptr;
      options.max_states = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || options.max_states == 0)
        return usage("--max-states needs a positive integer");
    } else if (!path) {
      path = argv[i];
    } else {
      return usage("more than one file given");
    }
  }
  if (!path)
    return usage("no history file given");
  std::ifstream file;
  if (std::strcmp(path, "-") != 0) {
    file.open(path);
    if (!file)
      return usage((std::string("cannot open ") + path).c_str());
  }
  std::istream& in = std::strcmp(path, "-") == 0 ? std::cin : file;
  std::string error;
  auto h = parse_history(in, error);
  if (!h)
    return usage((std::string(path) + ": " + error).c_str());
  auto start = std::chrono::steady_clock::now();
  auto r = check(*h, options);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (as_json)
    std::cout << report_json(r, took.count()) << "\n";
  else
    std::cout << format_report(r) << "checked in " << took.count() << " s\n";
  switch (r.result) {
  case report::verdict::linearizable:
    return 0;
  case report::verdict::not_linearizable:
    return 1;
  case report::verdict::undecided:
    return 3;
  case report::verdict::invalid:
    return 2;
  }
  return 2;
}
