#pragma once
// Loads the committed demo registrations (config/sources) for tests.

#include <bronpoort/sources/registry.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace bronpoort::sources::testing {

inline std::shared_ptr<const Registry> demo_registry() {
  // The debt-assistance DSN comes from the environment; any value will do for parsing.
  if (std::getenv("BRONPOORT_DEBT_PG_DSN") == nullptr) {
    ::setenv("BRONPOORT_DEBT_PG_DSN", "host=127.0.0.1 port=1 dbname=none", 1);
  }
  auto load =
      load_registry(nlohmann::json::object(), std::string(BRONPOORT_SOURCE_DIR) + "/config");
  for (const auto& e : load.errors) ADD_FAILURE() << e.to_string();
  return load.registry;
}

}  // namespace bronpoort::sources::testing
