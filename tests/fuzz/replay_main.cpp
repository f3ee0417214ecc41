// Runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer: every
// regular file named on the command line, or found (not recursively) in a directory
// named there. ctest runs each target this way on its committed corpus, so the seeds
// and every input a fuzzer once crashed on stay regression tests in the normal build.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace {

void run_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::vector<char> bytes{std::istreambuf_iterator<char>{in},
                          std::istreambuf_iterator<char>{}};
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg{argv[i]};
    if (std::filesystem::is_directory(arg)) {
      for (auto& entry : std::filesystem::directory_iterator{arg})
        if (entry.is_regular_file()) {
          run_file(entry.path());
          ++count;
        }
    } else if (std::filesystem::is_regular_file(arg)) {
      run_file(arg);
      ++count;
    } else {
      std::cerr << "no such input file or directory: " << arg << "\n";
      return 1;
    }
  }
  if (count == 0) {
    std::cerr << "no inputs found\n";
    return 1;
  }
  std::cout << count << " inputs ran without a failure\n";
  return 0;
}
