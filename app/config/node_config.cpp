#include "app/config/node_config.hpp"

#include "app/config/option_table.hpp"

#include <caf/io/middleman.hpp>

namespace onevalue {

node_config::node_config() {
  load<caf::io::middleman>();
  for (const auto& row : node_option_table())
    config::add_to_caf(custom_options_, "onevalue", row);
}

} // namespace onevalue
