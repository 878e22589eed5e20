#pragma once
// The version of the gateway's REST API, returned in every response's API-Version header and in
// the OpenAPI document (NL API Design Rules: the full semantic version).

namespace bronpoort {

inline constexpr const char* kApiVersion = "1.0.0";
inline constexpr const char* kApiMajorPath = "/v1";

}  // namespace bronpoort
