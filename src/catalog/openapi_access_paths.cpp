// Descriptions of the access checker's endpoints (purpose register, access requests, grants,
// access checks), matching what src/access serves.

#include "openapi_parts.hpp"

#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/schema/bundled.hpp>

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json str_list() {
  return {{"type", "array"}, {"items", {{"type", "string"}}}};
}

nlohmann::json list_of(const std::string& member, const std::string& schema) {
  return {{"type", "object"},
          {"required", {member}},
          {"properties", {{member, {{"type", "array"}, {"items", ref_schema(schema)}}}}}};
}

// A page of a list as src/access/endpoint_support.cpp answers it.
nlohmann::json page_of(const std::string& member, const std::string& schema) {
  nlohmann::json link = {{"type", "object"}, {"properties", {{"href", str()}}}};
  return {
      {"type", "object"},
      {"required", {member, "page", "pageSize", "total", "_links"}},
      {"properties",
       {{member, {{"type", "array"}, {"items", ref_schema(schema)}}},
        {"page", {{"type", "integer"}}},
        {"pageSize", {{"type", "integer"}}},
        {"total", {{"type", "integer"}, {"description", "All items, on every page."}}},
        {"_links",
         {{"type", "object"}, {"properties", {{"self", link}, {"next", link}, {"prev", link}}}}}}}};
}

// page and pageSize, as every paged access list takes them.
std::vector<nlohmann::json> paging_parameters() {
  return {
      query_parameter("page", "Page number, from 1.",
                      {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}, {"default", 1}}),
      query_parameter("pageSize", "Items per page.",
                      {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}, {"default", 50}})};
}

// A 200 answer carrying one page, with the RFC 8288 Link header.
nlohmann::json page_response(const std::string& description, const std::string& schema) {
  return ok_response_with_headers(
      description, ref_schema(schema),
      {{"Link",
        {{"description", "RFC 8288 links to the next and previous page."},
         {"schema", {{"type", "string"}}}}}});
}

nlohmann::json legal_basis() {
  return {{"type", "object"},
          {"properties",
           {{"citation", str("The law and article, e.g. Participatiewet, artikel 64.")},
            {"category", str("DPV legal basis: LegalObligation, PublicTask, Consent, ...")}}}};
}

// Replaces references to schemas/requests/common.schema.json by what they point at (with any
// sibling keywords on top): OpenAPI 3.0 can only reference its own components.
nlohmann::json inline_common(const nlohmann::json& in) {
  static const std::string kCommon = "common.schema.json#";
  if (in.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : in) out.push_back(inline_common(v));
    return out;
  }
  if (!in.is_object()) return in;
  nlohmann::json out = nlohmann::json::object();
  if (auto ref = in.find("$ref");
      ref != in.end() && ref->is_string() && ref->get<std::string>().rfind(kCommon, 0) == 0) {
    const auto* common = schema::bundled_schema_document("requests/common.schema.json");
    out = inline_common(
        common->at(nlohmann::json::json_pointer(ref->get<std::string>().substr(kCommon.size()))));
  }
  for (const auto& [key, value] : in.items()) {
    if (key != "$ref" || out.empty()) out[key] = inline_common(value);
  }
  return out;
}

// A request body as documented: the very schema the gateway validates it against.
nlohmann::json request_schema(const char* name) {
  nlohmann::json unused = nlohmann::json::object();  // request schemas keep no $defs of their own
  return to_openapi_schema(inline_common(*schema::bundled_schema_document(name)), "", unused);
}

}  // namespace

nlohmann::json access_schemas() {
  return {
      {"Purpose",
       {{"type", "object"},
        {"properties",
         {{"id", str()},
          {"name", str()},
          {"description", str()},
          {"legalBasis", legal_basis()},
          {"processingActivity", str("URI of the processing activity in the register.")},
          {"roles", str_list()},
          {"coverage",
           {{"type", "object"},
            {"description", "dataset -> resource -> covered fields"},
            {"additionalProperties", {{"type", "object"}, {"additionalProperties", str_list()}}}}},
          {"scope", {{"type", "string"}, {"enum", {"case", "dataset"}}}},
          {"validity",
           {{"type", "object"},
            {"properties",
             {{"from", {{"type", "string"}, {"format", "date"}}},
              {"until", {{"type", "string"}, {"format", "date"}}}}}}},
          {"preApproved", {{"type", "boolean"}}}}}}},
      {"PurposeList", list_of("purposes", "Purpose")},
      {"NewAccessRequest", request_schema("requests/access-request.schema.json")},
      {"AccessRequest",
       {{"type", "object"},
        {"properties",
         {{"id", str()},
          {"state", {{"type", "string"}, {"enum", {"pending", "approved", "rejected"}}}},
          {"organisation", str("OIN of the requesting organisation.")},
          {"requester", str()},
          {"role", str()},
          {"purpose", str()},
          {"legalBasis", str()},
          {"dataset", str()},
          {"resource", str()},
          {"fields", str_list()},
          {"motivation", str()},
          {"ownerOrganisation", str("OIN of the source holder.")},
          {"createdAt", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"AccessRequestList", page_of("accessRequests", "AccessRequest")},
      {"Decision", request_schema("requests/access-decision.schema.json")},
      {"Approval", request_schema("requests/access-approval.schema.json")},
      {"Grant",
       {{"type", "object"},
        {"properties",
         {{"id", str()},
          {"state", str()},
          {"organisation", str()},
          {"role", str()},
          {"purpose", str()},
          {"dataset", str()},
          {"resource", str()},
          {"fields", str_list()},
          {"ownerOrganisation", str()},
          {"accessRequest", str()},
          {"approval", str("How it was approved: manual, standing approval or precedent.")},
          {"grantedAt", {{"type", "string"}, {"format", "date-time"}}},
          {"validUntil", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"GrantList", page_of("grants", "Grant")},
      {"AccessCheck", request_schema("requests/access-check.schema.json")},
      {"AccessCheckResult",
       {{"type", "object"},
        {"description",
         "Allow or deny per field, with the reason and legal basis, and the access request that "
         "would give what is missing."},
        {"properties",
         {{"allowed", {{"type", "boolean"}}},
          {"organisation", str()},
          {"dataset", str()},
          {"resource", str()},
          {"purpose", {{"type", "object"}}},
          {"fields", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}},
  };
}

std::vector<Operation> access_operations() {
  std::vector<Operation> ops;
  const auto id_param = [](const std::string& what) { return path_parameter("id", what + " id."); };

  auto list_purposes =
      operation("purposes", "listPurposes", "The purpose register",
                "Every purpose with its legal basis, roles and coverage. Public.", false);
  list_purposes["responses"]["200"] = ok_response("The purposes.", ref_schema("PurposeList"));
  ops.push_back({"GET", "/v1/purposes", list_purposes});

  auto get_purpose = operation("purposes", "getPurpose", "One purpose", "Public.", false);
  get_purpose["parameters"] = {id_param("Purpose")};
  get_purpose["responses"] =
      with_problems({{"200", ok_response("The purpose.", ref_schema("Purpose"))}}, {400, 404});
  ops.push_back({"GET", "/v1/purposes/{id}", get_purpose});

  auto file = operation("access-requests", "createAccessRequest", "Ask for access",
                        "A data specialist asks for (role, purpose, dataset, resource, fields). "
                        "Approved at once when the purpose is pre-approved for the role or an "
                        "earlier approval is a precedent; otherwise the source holder decides.",
                        true);
  file["requestBody"] = json_body(ref_schema("NewAccessRequest"), "The request.");
  file["responses"].update(with_problems(
      {{"201", ok_response_with_headers(
                   "Filed (state pending or approved).", ref_schema("AccessRequest"),
                   {{"Location", {{"description", "The new request."}, {"schema", str()}}}})}},
      {400, 403, 503}));
  ops.push_back({"POST", "/v1/access-requests", file});

  auto list_requests = operation(
      "access-requests", "listAccessRequests", "Access requests",
      "Your organisation's requests, and for a source admin the requests on its datasets.", true);
  list_requests["parameters"] = {
      query_parameter("state", "Only requests in this state.",
                      {{"type", "string"}, {"enum", {"pending", "approved", "rejected"}}})};
  for (auto& p : paging_parameters()) list_requests["parameters"].push_back(std::move(p));
  list_requests["responses"].update(with_problems(
      {{"200", page_response("The requests, oldest first.", "AccessRequestList")}}, {400, 403}));
  ops.push_back({"GET", "/v1/access-requests", list_requests});

  auto get_request = operation("access-requests", "getAccessRequest", "One access request",
                               "Visible to the requester and the source holder.", true);
  get_request["parameters"] = {id_param("Access request")};
  get_request["responses"].update(with_problems(
      {{"200", ok_response("The request.", ref_schema("AccessRequest"))}}, {400, 403, 404}));
  ops.push_back({"GET", "/v1/access-requests/{id}", get_request});

  for (const std::string verb : {"approve", "reject"}) {
    auto decide = operation(
        "access-requests", verb + "AccessRequest",
        verb == "approve" ? "Approve an access request" : "Reject an access request",
        "Only by a source admin (role source-admin) of the organisation that owns the dataset, "
        "and never by the requester (403 four-eyes-required). The change takes effect only once "
        "its audit record is durable (503 audit-unavailable otherwise)." +
            std::string(verb == "approve"
                            ? " Creates a grant: for the requested fields, or only some of them "
                              "(fields; 400 fields-not-requested for others), valid for the "
                              "gateway's grant validity or through an earlier day (validUntil; "
                              "400 invalid-valid-until when outside today and that end)."
                            : ""),
        true);
    decide["parameters"] = {id_param("Access request")};
    decide["requestBody"] =
        verb == "approve"
            ? json_body(ref_schema("Approval"),
                        "The reason, kept in the audit log; optionally narrower fields and an "
                        "earlier end.")
            : json_body(ref_schema("Decision"), "The reason, kept in the audit log.");
    decide["requestBody"]["required"] = false;
    decide["responses"].update(
        with_problems({{"200", ok_response("The decided request.", ref_schema("AccessRequest"))}},
                      {400, 403, 404, 409, 503}));
    ops.push_back({"POST", "/v1/access-requests/{id}/" + verb, decide});
  }

  auto grants = operation(
      "grants", "listGrants", "Grants",
      "Your organisation's grants, and for a source admin the grants on its datasets.", true);
  grants["parameters"] = {
      query_parameter("state", "Only grants in this state.",
                      {{"type", "string"}, {"enum", {"active", "revoked", "expired"}}})};
  for (auto& p : paging_parameters()) grants["parameters"].push_back(std::move(p));
  grants["responses"].update(with_problems(
      {{"200", page_response("The grants, oldest first.", "GrantList")}}, {400, 403}));
  ops.push_back({"GET", "/v1/grants", grants});

  auto revoke =
      operation("grants", "revokeGrant", "Revoke a grant",
                "Takes effect on the next request. By the grantee or the holder's admin.", true);
  revoke["parameters"] = {id_param("Grant")};
  revoke["responses"].update(with_problems(
      {{"200", ok_response("The revoked grant.", ref_schema("Grant"))}}, {400, 403, 404, 503}));
  ops.push_back({"DELETE", "/v1/grants/{id}", revoke});

  auto check = operation("access-checks", "checkAccess", "Would I get this data?",
                         "Dry run of the access decision per field, with reasons and legal basis, "
                         "touching no data.",
                         true);
  check["requestBody"] = json_body(ref_schema("AccessCheck"), "What you would ask for.");
  check["responses"].update(with_problems(
      {{"200", ok_response("The decision per field.", ref_schema("AccessCheckResult"))}}, {400}));
  ops.push_back({"POST", "/v1/access-checks", check});
  return ops;
}

}  // namespace bronpoort::catalog::openapi
