#include "actors/core/keyring_holder.hpp"

#include "actors/core/key_encoding.hpp"
#include "actors/core/keyring_file.hpp"

namespace onevalue {

keyring_holder::keyring_holder(std::optional<keyring> keys, std::string file_path,
                               file_layer& files)
    : file_path_(std::move(file_path)), files_(&files) {
  if (keys)
    current_ = std::make_shared<const keyring>(std::move(*keys));
}

keyring_answer keyring_holder::apply(const keyring_command& command) {
  keyring_answer answer;
  if (!current_) {
    answer.outcome = keyring_outcome::failed;
    answer.detail = "this node has no keyring: node-to-node encryption is off (start it "
                    "with gossip-keys)";
    return answer;
  }
  if (command.op == keyring_op::list || !command.key) {
    answer.keys = current_->list();
    return answer;
  }
  auto next = *current_;
  keyring_change change = keyring_change::unchanged;
  switch (command.op) {
  case keyring_op::install:
    change = next.install(*command.key);
    break;
  case keyring_op::use:
    change = next.use(*command.key);
    break;
  case keyring_op::remove:
    change = next.remove(*command.key);
    break;
  case keyring_op::list:
    break;
  }
  answer.outcome = outcome_of(change);
  if (change == keyring_change::changed && !file_path_.empty()) {
    if (auto err = save_keyring_file(*files_, file_path_, next)) {
      answer.outcome = keyring_outcome::failed;
      answer.detail = "keyring not changed: " + err->message;
      answer.keys = current_->list();
      return answer;
    }
  }
  if (change == keyring_change::changed)
    current_ = std::make_shared<const keyring>(std::move(next));
  if (!succeeded(change))
    answer.detail = describe(change, key_fingerprint(*command.key));
  answer.keys = current_->list();
  return answer;
}

} // namespace onevalue
