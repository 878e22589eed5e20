#pragma once
// Who is calling, as established by the authenticate stage.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace bronpoort {

struct Identity {
  bool authenticated = false;
  std::string issuer;
  std::string subject;       // `sub`: the user
  std::string organisation;  // `org`: OIN of the calling organisation
  std::vector<std::string> roles;
  // `purposes` claim: when present, the only purposes this token may state.
  std::optional<std::vector<std::string>> allowed_purposes;
  // `bsn` claim, only for citizens (role data-subject). Never logged.
  std::optional<std::string> bsn;
  // OIN from a verified mTLS client certificate, when the listener required one.
  std::optional<std::string> certificate_oin;

  bool has_role(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

}  // namespace bronpoort
