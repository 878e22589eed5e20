#pragma once
// The roles the gateway itself gives meaning to, named once. Every other role (case-worker,
// analyst, ...) is only matched against purposes, so it stays data in the purpose files.

namespace bronpoort::common::roles {

// Reads the whole processing log and verifies it.
inline constexpr const char* kAuditor = "auditor";
// A citizen: sees only the records about themselves.
inline constexpr const char* kDataSubject = "data-subject";
// Administers a source holder's access requests and grants, and reads its datasets' records.
inline constexpr const char* kSourceAdmin = "source-admin";
// Reads the records of the own organisation's requests.
inline constexpr const char* kPrivacyOfficer = "privacy-officer";

}  // namespace bronpoort::common::roles
