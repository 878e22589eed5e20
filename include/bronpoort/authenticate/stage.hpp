#pragma once
// The authenticate stage: establishes ctx.identity from the Authorization header (and the mTLS
// client certificate). Without an Authorization header the caller is anonymous and the request
// continues; whether the route needs a token is the route stage's decision (AuthRequirement).
// A header that is present but not a valid `Bearer <jwt>` is refused with 401, a problem code
// from problem_codes.hpp and a `WWW-Authenticate: Bearer` challenge (RFC 6750 section 3).

#include <bronpoort/authenticate/config.hpp>
#include <bronpoort/core/stage.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace bronpoort::authenticate {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// `clock` defaults to the system clock; tests pass a fixed one.
std::shared_ptr<const Stage> make_stage(std::shared_ptr<const IdentityConfig> config,
                                        WallClock clock = {});

// The challenge header value for a refusal: `Bearer realm="bronpoort", error="<error>",
// error_description="<description>"`, with the description reduced to the characters RFC 6750
// allows so a detail can never break the header.
std::string bearer_challenge(std::string_view error, std::string_view description);

}  // namespace bronpoort::authenticate
