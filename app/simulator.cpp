// onevalue_sim: runs a node's protocol cores (membership_core and gossip_core) for N
// simulated nodes on a simulated network, deterministic from a seed, and measures how
// fast a new value and a failure spread, false positives, and per-node load.
//
//   onevalue_sim [--nodes 10,100,1000] [--seed 1] [--loss 0.01] [--profile lan|local]
//                [--plot out.png] [--data out.dat]
//
// Clusters start pre-joined (sim::start_mode::prejoined): measuring a formed cluster
// does not need N joins, and memory grows with N^2 either way. Each gossip core reads
// its membership core's table in place (sim::gossip_members::shared) rather than a
// replica, which would double that memory; the unit tests show both run alike.

#include "actors/core/swim_formulas.hpp"
#include "app/sim/sim_cluster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace onevalue;
using namespace std::chrono_literals;

namespace {

struct options {
  std::vector<std::size_t> sizes{10, 100, 1000};
  uint64_t seed = 1;
  double loss = 0.01;
  std::string profile = "lan";
  std::string plot;
  std::string data;
};

/// Spread times (seconds after the start) of one event over the nodes that saw it;
/// `missing` nodes never did within the limit.
struct spread {
  std::vector<double> seconds;
  std::size_t missing = 0;

  /// The time by which fraction `p` of `seconds.size() + missing` nodes had it, or NaN.
  double quantile(double p) const {
    auto total = seconds.size() + missing;
    if (total == 0)
      return NAN;
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(total)));
    rank = std::max<std::size_t>(rank, 1);
    if (rank > seconds.size())
      return NAN;
    auto sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    return sorted[rank - 1];
  }
};

struct result {
  std::size_t n = 0;
  spread value;
  spread failure;
  uint64_t false_positives = 0;
  double messages_per_node_s = 0;
  double bytes_per_node_s = 0;
  /// Anti-entropy (push-pull) bytes per node per second, both directions, over a window
  /// of at least one push-pull interval.
  double push_pull_bytes_per_node_s = 0;
  double wall_seconds = 0;
};

double seconds_between(time_point a, time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

result run_one(std::size_t n, const options& opt, const swim_settings& settings) {
  auto wall_start = std::chrono::steady_clock::now();
  result r;
  r.n = n;
  sim::cluster c{n, settings, opt.seed * 1000003 + n, sim::start_mode::prejoined,
                 sim::gossip_members::shared};
  c.latency = 2ms;
  auto victim_index = n / 2;
  auto victim = c.at(victim_index).name;
  std::vector<std::optional<time_point>> saw_failed(n);
  c.on_event = [&](std::size_t observer, const member_event& e) {
    if (e.to != member_state::failed)
      return;
    if (e.name == victim) {
      if (!saw_failed[observer])
        saw_failed[observer] = c.now();
    } else {
      ++r.false_positives;
    }
  };
  // Warm up (timers spread out), then measure steady-state load over one push-pull
  // interval (at least 10 s), so that every node's anti-entropy exchange is counted.
  c.loss = opt.loss;
  c.run_for(5s);
  auto before = c.stats();
  auto steady = std::max<std::chrono::milliseconds>(
      10s, scaled_push_pull_interval(settings.push_pull_interval, n));
  c.run_for(steady);
  auto per_node_s = [&](uint64_t count) {
    auto secs = std::chrono::duration<double>(steady).count();
    return static_cast<double>(count) / static_cast<double>(n) / secs;
  };
  r.messages_per_node_s = per_node_s(c.stats().datagrams - before.datagrams);
  r.bytes_per_node_s = per_node_s(c.stats().bytes - before.bytes);
  r.push_pull_bytes_per_node_s =
      per_node_s(c.stats().push_pull_bytes - before.push_pull_bytes);

  // A new value written on node 0.
  auto written_at = c.now();
  c.write(0, 42);
  auto counter = c.at(0).value.current().ver.counter;
  auto holds = [&](std::size_t i) {
    return c.at(i).value.current().ver.counter >= counter;
  };
  c.run_until(
      [&] {
        for (std::size_t i = 0; i < n; ++i)
          if (!holds(i))
            return false;
        return true;
      },
      120s);
  for (std::size_t i = 1; i < n; ++i) {
    bool found = false;
    for (auto& [ctr, at] : c.at(i).value_seen)
      if (ctr == counter) {
        r.value.seconds.push_back(seconds_between(written_at, at));
        found = true;
        break;
      }
    if (!found)
      ++r.value.missing;
  }

  // A crash, detected by everyone else.
  c.crash(victim_index);
  auto crashed_at = c.now();
  auto all_saw = [&] {
    for (std::size_t i = 0; i < n; ++i)
      if (i != victim_index && !saw_failed[i])
        return false;
    return true;
  };
  c.run_until(all_saw, 600s);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == victim_index)
      continue;
    if (saw_failed[i])
      r.failure.seconds.push_back(seconds_between(crashed_at, *saw_failed[i]));
    else
      ++r.failure.missing;
  }
  if (auto broken = c.check_invariants(); !broken.empty())
    std::cerr << "invariant broken at N=" << n << ": " << broken << "\n";
  r.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start)
          .count();
  return r;
}

std::string cell(double seconds, std::chrono::milliseconds round) {
  if (std::isnan(seconds))
    return "-";
  char buf[64];
  auto rounds = seconds * 1000.0 / static_cast<double>(round.count());
  std::snprintf(buf, sizeof buf, "%.2f s (%.1f)", seconds, rounds);
  return buf;
}

void print_table(const std::vector<result>& results, const options& opt,
                 const swim_settings& s) {
  std::cout << "\nonevalue_sim: profile " << opt.profile << ", loss " << opt.loss * 100
            << " %, seed " << opt.seed << "; value times in seconds (gossip rounds of "
            << s.gossip_interval.count()
            << " ms), failure times in seconds (probe rounds of "
            << s.probe_interval.count() << " ms)\n\n";
  std::cout
      << "| N | value 50 % | value 99 % | value 99.9 % | value 100 % | failure 50 % "
         "| failure 99 % | failure 99.9 % | failure 100 % | false positives "
         "| msgs/node/s | bytes/node/s | push-pull bytes/node/s |\n";
  std::cout << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (auto& r : results) {
    std::cout << "| " << r.n;
    for (double p : {0.5, 0.99, 0.999, 1.0})
      std::cout << " | " << cell(r.value.quantile(p), s.gossip_interval);
    for (double p : {0.5, 0.99, 0.999, 1.0})
      std::cout << " | " << cell(r.failure.quantile(p), s.probe_interval);
    char load[128];
    std::snprintf(load, sizeof load, " | %llu | %.1f | %.0f | %.0f |",
                  static_cast<unsigned long long>(r.false_positives),
                  r.messages_per_node_s, r.bytes_per_node_s,
                  r.push_pull_bytes_per_node_s);
    std::cout << load << "\n";
  }
  std::cout << "\n";
}

void write_data(const std::vector<result>& results, const std::string& path) {
  std::ofstream out{path};
  out << "# N value_p50 value_p99 value_p100 failure_p50 failure_p99 failure_p100 "
         "msgs_per_node_s bytes_per_node_s push_pull_bytes_per_node_s\n";
  for (auto& r : results)
    out << r.n << ' ' << r.value.quantile(0.5) << ' ' << r.value.quantile(0.99) << ' '
        << r.value.quantile(1.0) << ' ' << r.failure.quantile(0.5) << ' '
        << r.failure.quantile(0.99) << ' ' << r.failure.quantile(1.0) << ' '
        << r.messages_per_node_s << ' ' << r.bytes_per_node_s << ' '
        << r.push_pull_bytes_per_node_s << '\n';
}

bool write_plot(const std::string& data, const std::string& png, const options& opt) {
  std::ostringstream script;
  script << "set terminal png size 900,540\n"
         << "set output '" << png << "'\n"
         << "set title 'onevalue SWIM simulator: dissemination time vs cluster size "
            "(profile "
         << opt.profile << ", loss " << opt.loss * 100 << " %)'\n"
         << "set logscale x 10\nset xlabel 'nodes (N)'\n"
         << "set ylabel 'new value reaches (s)'\nset y2label 'failure detected by (s)'\n"
         << "set ytics nomirror\nset y2tics\nset key top left\nset grid\n"
         << "plot '" << data << "' using 1:2 with linespoints title 'value 50 %', "
         << "'' using 1:3 with linespoints title 'value 99 %', "
         << "'' using 1:4 with linespoints title 'value 100 %', "
         << "'' using 1:5 axes x1y2 with linespoints dt 2 title 'failure 50 % (right "
            "axis)', "
         << "'' using 1:7 axes x1y2 with linespoints dt 2 title 'failure 100 % (right "
            "axis)'\n";
  auto pipe = popen("gnuplot", "w");
  if (!pipe)
    return false;
  auto text = script.str();
  std::fwrite(text.data(), 1, text.size(), pipe);
  return pclose(pipe) == 0;
}

bool parse(int argc, char** argv, options& opt) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--nodes") {
      opt.sizes.clear();
      std::stringstream list{value()};
      std::string item;
      while (std::getline(list, item, ','))
        opt.sizes.push_back(std::stoul(item));
    } else if (arg == "--seed") {
      opt.seed = std::stoull(value());
    } else if (arg == "--loss") {
      opt.loss = std::stod(value());
    } else if (arg == "--profile") {
      opt.profile = value();
    } else if (arg == "--plot") {
      opt.plot = value();
    } else if (arg == "--data") {
      opt.data = value();
    } else {
      std::cerr << "usage: onevalue_sim [--nodes 10,100,1000] [--seed 1] [--loss 0.01] "
                   "[--profile lan|local] [--plot out.png] [--data out.dat]\n";
      return false;
    }
  }
  return opt.profile == "lan" || opt.profile == "local";
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  try {
    if (!parse(argc, argv, opt))
      return 2;
  } catch (const std::exception&) {
    std::cerr << "onevalue_sim: bad number in the arguments\n";
    return 2;
  }
  auto settings = opt.profile == "local" ? local_profile() : lan_profile();
  std::vector<result> results;
  for (auto n : opt.sizes) {
    results.push_back(run_one(n, opt, settings));
    auto& r = results.back();
    std::cerr << "N=" << n << " done in " << r.wall_seconds << " s wall\n";
  }
  print_table(results, opt, settings);
  if (!opt.plot.empty()) {
    auto data = opt.data.empty() ? opt.plot + ".dat" : opt.data;
    write_data(results, data);
    if (!write_plot(data, opt.plot, opt))
      std::cerr << "onevalue_sim: gnuplot failed; data left in " << data << "\n";
  } else if (!opt.data.empty()) {
    write_data(results, opt.data);
  }
  return 0;
}
