// Descriptions of the processing-log endpoints (issue 6): the auditor's query and export, the
// Logboek Dataverwerkingen read API, the citizen's own records, checkpoints and verification.

#include "openapi_parts.hpp"

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json timestamp(const std::string& description) {
  return {{"type", "string"}, {"format", "date-time"}, {"description", description}};
}

nlohmann::json log_filters() {
  return nlohmann::json::array(
      {query_parameter("from", "Records that started at or after this time (RFC 3339).",
                       {{"type", "string"}, {"format", "date-time"}}),
       query_parameter("to", "Records that started before this time (RFC 3339).",
                       {{"type", "string"}, {"format", "date-time"}}),
       query_parameter("dataset", "Only records about this dataset.", str()),
       query_parameter("purpose", "Only records for this purpose id.", str()),
       query_parameter("organisation", "Only requests by this organisation (OIN).", str()),
       query_parameter("traceId", "Only records of this W3C trace (32 hex digits).",
                       {{"type", "string"}, {"pattern", "^[0-9a-f]{32}$"}}),
       query_parameter("status", "Only requests answered with this HTTP status, e.g. 403.",
                       {{"type", "integer"}, {"minimum", 100}, {"maximum", 599}}),
       query_parameter("decision", "Only records with this access decision.",
                       {{"type", "string"}, {"enum", {"allow", "deny"}}}),
       query_parameter("kind", "Only processing records or only audit records.",
                       {{"type", "string"}, {"enum", {"processing", "audit"}}})});
}

nlohmann::json cursor_parameters() {
  return nlohmann::json::array(
      {query_parameter("cursor", "Opaque position returned as nextCursor by the previous page.",
                       str()),
       query_parameter(
           "pageSize", "Records per page.",
           {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}})});
}

nlohmann::json concat(nlohmann::json a, const nlohmann::json& b) {
  for (const auto& x : b) a.push_back(x);
  return a;
}

}  // namespace

// The schemas of the endpoints in this file; the proof API's are in openapi_proof_paths.cpp.
nlohmann::json processing_log_base_schemas();

nlohmann::json processing_log_schemas() {
  auto schemas = processing_log_base_schemas();
  schemas.update(processing_log_proof_schemas());
  return schemas;
}

nlohmann::json processing_log_base_schemas() {
  return {
      {"ProcessingRecord",
       {{"type", "object"},
        {"description",
         "A Logboek Dataverwerkingen record with its audit data: who asked, for which purpose and "
         "legal basis, and the decision."},
        {"properties",
         {{"traceId", str()},
          {"spanId", str()},
          {"parentSpanId", str()},
          {"name", str("The operation.")},
          {"startTime", timestamp("When processing started.")},
          {"endTime", timestamp("When processing ended.")},
          {"status", {{"type", "string"}, {"enum", {"Unset", "Ok", "Error"}}}},
          {"attributes",
           {{"type", "object"},
            {"description",
             "dpl.core.processing_activity_id, dpl.core.data_subject_id (pseudonymised), "
             "dpl.core.data_subject_id_type and the audit attributes."},
            {"additionalProperties", true}}}}}}},
      {"ProcessingRecordPage",
       {{"type", "object"},
        {"properties",
         {{"records", {{"type", "array"}, {"items", ref_schema("ProcessingRecord")}}},
          {"nextCursor", {{"type", "string"}, {"nullable", true}}},
          {"_links", {{"type", "object"}, {"additionalProperties", true}}}}}}},
      {"ProcessingActivitiesQuery",
       {{"type", "object"},
        {"description", "At least one criterion is required."},
        {"properties",
         {{"traceId", str()},
          {"from", timestamp("Start of the time range.")},
          {"to", timestamp("End of the time range.")},
          {"attributes", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}}},
      {"Checkpoint",
       {{"type", "object"},
        {"properties",
         {{"chainId", str()},
          {"sequence", {{"type", "integer"}, {"format", "int64"}}},
          {"headHash", str("Hex SHA-256 of the chain head.")},
          {"signedAt", timestamp("When it was signed.")},
          {"signature", str("Ed25519 signature, base64.")},
          {"keyId", str()}}}}},
      {"CheckpointList",
       {{"type", "object"},
        {"properties",
         {{"checkpoints", {{"type", "array"}, {"items", ref_schema("Checkpoint")}}}}}}},
      {"VerificationReport",
       {{"type", "object"},
        {"properties",
         {{"ok", {{"type", "boolean"}}},
          {"chains",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"chainId", str()},
                {"records", {{"type", "integer"}, {"format", "int64"}}},
                {"ok", {{"type", "boolean"}}},
                {"firstBrokenSequence",
                 {{"type", "integer"}, {"format", "int64"}, {"nullable", true}}},
                {"reason", str()}}}}}}}}}}},
  };
}

std::vector<Operation> processing_log_operations() {
  std::vector<Operation> ops;
  auto query =
      operation("processing-log", "listProcessingRecords", "Query the processing log",
                "For auditors; a source admin sees the records about its own datasets, a "
                "privacy officer its own organisation's requests; anyone else gets 403. Each read "
                "is itself recorded as an audit record before it is answered. Newest first.",
                true);
  query["parameters"] = concat(log_filters(), cursor_parameters());
  query["responses"].update(with_problems(
      {{"200", ok_response("A page of records.", ref_schema("ProcessingRecordPage"))}},
      {400, 403, 503}));
  ops.push_back({"GET", "/v1/processing-log", query});

  auto exp = operation("processing-log", "exportProcessingRecords", "Export the processing log",
                       "The same filters, streamed as NDJSON (one record per line).", true);
  exp["parameters"] = log_filters();
  exp["responses"].update(
      with_problems({{"200", ok_response("One JSON record per line.",
                                         ref_schema("ProcessingRecord"), "application/x-ndjson")}},
                    {400, 403, 503}));
  ops.push_back({"GET", "/v1/processing-log/export", exp});

  auto activities =
      operation("processing-log", "queryProcessingActivities", "Logboek Dataverwerkingen read API",
                "The standard's query shape: trace id, time range and dpl attributes. The same "
                "roles as the log query; a lookup by data subject also states its purpose in "
                "Processing-Purpose, which the read's audit record keeps.",
                true);
  activities["parameters"] = nlohmann::json::array(
      {{{"name", "Processing-Purpose"},
        {"in", "header"},
        {"required", false},
        {"description",
         "Required for a lookup by data subject (dpl.core.data_subject_id): the purpose id of the "
         "complaint or investigation this lookup serves."},
        {"schema",
         {{"type", "string"}, {"pattern", "^[a-z0-9]+(-[a-z0-9]+)*$"}, {"maxLength", 64}}}}});
  activities["requestBody"] = json_body(ref_schema("ProcessingActivitiesQuery"), "The criteria.");
  activities["responses"].update(with_problems(
      {{"200", ok_response("The matching records.",
                           {{"type", "array"}, {"items", ref_schema("ProcessingRecord")}})}},
      {400, 403, 503}));
  ops.push_back({"POST", "/v1/processing-activities", activities});

  auto mine = operation("processing-log", "listMyProcessingRecords", "Who processed my data",
                        "For a citizen (role data-subject, token with bsn): the records about you, "
                        "with organisation, purpose and legal basis, and nobody else's.",
                        true);
  mine["parameters"] = cursor_parameters();
  mine["responses"].update(with_problems(
      {{"200", ok_response("A page of your records.", ref_schema("ProcessingRecordPage"))}},
      {400, 403, 503}));
  ops.push_back({"GET", "/v1/my-processing-log", mine});

  auto checkpoints =
      operation("processing-log", "listCheckpoints", "Signed checkpoints",
                "Ed25519-signed chain heads, for auditors to keep as witnesses.", true);
  checkpoints["responses"].update(with_problems(
      {{"200", ok_response("The checkpoints.", ref_schema("CheckpointList"))}}, {403, 503}));
  ops.push_back({"GET", "/v1/processing-log/checkpoints", checkpoints});

  auto verify = operation("processing-log", "verifyProcessingLog", "Verify the log",
                          "Recomputes every hash chain and checks checkpoint signatures; names the "
                          "first broken sequence number per chain.",
                          true);
  verify["responses"].update(with_problems(
      {{"200", ok_response("The verification report.", ref_schema("VerificationReport"))}},
      {403, 503}));
  ops.push_back({"GET", "/v1/processing-log/verify", verify});
  for (auto& op : processing_log_proof_operations()) ops.push_back(std::move(op));
  return ops;
}

}  // namespace bronpoort::catalog::openapi
