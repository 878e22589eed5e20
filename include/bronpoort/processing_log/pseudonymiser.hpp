#pragma once
// Turns a data subject's identifier (e.g. a BSN) into the pseudonym stored in the log:
// HMAC-SHA256(key, type ":" id) as hex. The same subject always gets the same pseudonym under one
// key, so a citizen's records can be found, but the raw id cannot be recovered from the log.

#include <string>

namespace bronpoort::processing_log {

class Pseudonymiser {
 public:
  Pseudonymiser(std::string key, std::string key_id)
      : key_(std::move(key)), key_id_(std::move(key_id)) {}
  std::string pseudonym(const std::string& type, const std::string& id) const;
  const std::string& key_id() const { return key_id_; }

 private:
  std::string key_;
  std::string key_id_;
};

}  // namespace bronpoort::processing_log
