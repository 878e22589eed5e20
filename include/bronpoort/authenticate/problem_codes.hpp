#pragma once
// The stable problem codes of the authenticate stage. Every one is sent with status 401 and a
// detail that says what to fix; clients may switch on the code, never on the detail.

namespace bronpoort::authenticate::codes {

inline constexpr const char* kTokenMissing = "token-missing";  // "Bearer" without a token
inline constexpr const char* kAuthorizationRepeated = "authorization-header-repeated";
inline constexpr const char* kSchemeUnsupported = "authorization-scheme-unsupported";
inline constexpr const char* kTokenTooLarge = "token-too-large";
inline constexpr const char* kTokenMalformed = "token-malformed";  // structure, base64url, JSON
inline constexpr const char* kHeaderUnsupported = "token-header-unsupported";  // crit, typ
inline constexpr const char* kAlgorithmNotAllowed = "token-algorithm-not-allowed";
inline constexpr const char* kIssuerUnknown = "token-issuer-unknown";
inline constexpr const char* kKeyUnknown = "token-key-unknown";
inline constexpr const char* kSignatureInvalid = "token-signature-invalid";
inline constexpr const char* kExpired = "token-expired";
inline constexpr const char* kNotYetValid = "token-not-yet-valid";
inline constexpr const char* kAudienceInvalid = "token-audience-invalid";
inline constexpr const char* kClaimsInvalid = "token-claims-invalid";
inline constexpr const char* kCertificateMismatch = "certificate-token-mismatch";
// A trusted issuer asserted an organisation or role it is not bound to speak for.
inline constexpr const char* kIssuerNotTrustedFor = "token-issuer-not-trusted-for";

}  // namespace bronpoort::authenticate::codes
