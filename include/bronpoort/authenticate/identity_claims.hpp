#pragma once
// Turns the claims of a verified token (and the mTLS client certificate, when there is one) into
// the caller's Identity.

#include <bronpoort/authenticate/token_verifier.hpp>
#include <bronpoort/common/roles.hpp>
#include <bronpoort/core/http_message.hpp>
#include <bronpoort/core/identity.hpp>
#include <bronpoort/core/result.hpp>

#include <optional>
#include <string_view>
#include <variant>

namespace bronpoort::authenticate {

// Organisatie-identificatienummer: exactly 20 decimal digits.
bool is_oin(std::string_view s);
// Burgerservicenummer: 9 digits passing the 11-proef, not all zeros.
bool is_valid_bsn(std::string_view s);
// Role and purpose ids: 1 to 64 characters from [A-Za-z0-9._:-].
bool is_claim_name(std::string_view s);

using IdentityResult = Result<Identity, TokenError>;

// Requires `sub` (string up to 256 bytes), `org` (OIN) and `roles` (1 to 32 names); accepts
// `purposes` (up to 64 names) and `bsn` (only with role data-subject, which requires it). With a
// client certificate its OIN must equal `org`, and a `cnf.x5t#S256` claim (RFC 8705) must match
// the certificate's thumbprint; a `cnf` binding without a certificate is refused.
IdentityResult identity_from_claims(const VerifiedToken& token,
                                    const std::optional<ClientCertificate>& certificate);

}  // namespace bronpoort::authenticate
