#include "time_claims.hpp"

#include <bronpoort/authenticate/problem_codes.hpp>

#include <cmath>

namespace bronpoort::authenticate {
namespace {

// 9999-12-31T23:59:59Z: later dates are not real and would overflow time arithmetic.
constexpr double kLatestNumericDate = 253402300799.0;

enum class DateRead { Absent, Invalid, Ok };

// NumericDate: seconds since the epoch, possibly fractional (RFC 7519 section 2).
DateRead read_date(const nlohmann::json& claims, const char* name, std::int64_t& out) {
  auto it = claims.find(name);
  if (it == claims.end()) return DateRead::Absent;
  if (!it->is_number()) return DateRead::Invalid;
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < 0 || v > kLatestNumericDate) return DateRead::Invalid;
  out = static_cast<std::int64_t>(std::floor(v));
  return DateRead::Ok;
}

TokenError invalid_date(const char* name) {
  return {codes::kClaimsInvalid,
          std::string("\"") + name + "\" must be a NumericDate (seconds since 1970, UTC)."};
}

}  // namespace

std::optional<TokenError> check_time_claims(const nlohmann::json& claims,
                                            std::chrono::system_clock::time_point now,
                                            std::chrono::seconds leeway) {
  const std::int64_t t =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t skew = leeway.count();
  std::int64_t exp = 0;
  switch (read_date(claims, "exp", exp)) {
    case DateRead::Absent:
      return TokenError{codes::kClaimsInvalid,
                        "The token has no \"exp\"; Bronpoort accepts only tokens that expire."};
    case DateRead::Invalid:
      return invalid_date("exp");
    case DateRead::Ok:
      break;
  }
  if (t >= exp + skew) {
    return TokenError{codes::kExpired, "The token has expired; get a new one from its issuer."};
  }
  std::int64_t nbf = 0;
  switch (read_date(claims, "nbf", nbf)) {
    case DateRead::Invalid:
      return invalid_date("nbf");
    case DateRead::Ok:
      if (t + skew < nbf) {
        return TokenError{codes::kNotYetValid,
                          "The token is not valid yet (\"nbf\" is in the future); check the "
                          "clocks of issuer and client."};
      }
      break;
    case DateRead::Absent:
      break;
  }
  std::int64_t iat = 0;
  switch (read_date(claims, "iat", iat)) {
    case DateRead::Invalid:
      return invalid_date("iat");
    case DateRead::Ok:
      if (t + skew < iat) {
        return TokenError{codes::kNotYetValid,
                          "The token claims to be issued in the future (\"iat\"); check the "
                          "issuer's clock."};
      }
      if (iat > exp) {
        return TokenError{codes::kClaimsInvalid, "\"iat\" is after \"exp\"."};
      }
      break;
    case DateRead::Absent:
      break;
  }
  return std::nullopt;
}

}  // namespace bronpoort::authenticate
