#pragma once
// The one error a store adapter throws: the access store, the processing log's stores, the release
// ledger and the SQLite connection under them turn their database library's exceptions into this,
// and the services above them catch it.

#include <stdexcept>

namespace bronpoort::common {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bronpoort::common
