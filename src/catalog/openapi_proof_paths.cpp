// Descriptions of the processing log's proof API (issue 16): the latest signed checkpoint of a
// chain's Merkle tree, inclusion proofs for one record and consistency proofs between two sizes.

#include "openapi_parts.hpp"

namespace bronpoort::catalog::openapi {
namespace {

nlohmann::json hex_hash(const std::string& description) {
  return {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}, {"description", description}};
}

nlohmann::json size(const std::string& description) {
  return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}, {"description", description}};
}

nlohmann::json chain_parameter() {
  return path_parameter("chainId", "The chain (one per gateway instance), e.g. gateway-1.");
}

}  // namespace

nlohmann::json processing_log_proof_schemas() {
  return {
      {"TreeCheckpoint",
       {{"type", "object"},
        {"description",
         "The latest signed tree head of a chain's Merkle tree (RFC 9162) as a C2SP checkpoint "
         "note: origin, tree size and base64 root hash, signed with Ed25519."},
        {"properties",
         {{"chainId", {{"type", "string"}}},
          {"origin", {{"type", "string"}}},
          {"treeSize", size("Records covered.")},
          {"rootHash", hex_hash("Root hash of the first treeSize records.")},
          {"signedAt", {{"type", "string"}, {"format", "date-time"}}},
          {"note", {{"type", "string"}, {"description", "The signed note, verbatim."}}}}}}},
      {"InclusionProof",
       {{"type", "object"},
        {"properties",
         {{"chainId", {{"type", "string"}}},
          {"seq", size("The record.")},
          {"leafIndex", size("seq - 1.")},
          {"treeSize", size("The tree the proof is for.")},
          {"leafHash", hex_hash("SHA-256(0x00 || the record's canonical bytes).")},
          {"rootHash", hex_hash("The root the path leads to; compare with a signed checkpoint.")},
          {"path", {{"type", "array"}, {"items", hex_hash("A sibling hash, leaf upwards.")}}}}}}},
      {"ConsistencyProof",
       {{"type", "object"},
        {"properties",
         {{"chainId", {{"type", "string"}}},
          {"firstSize", size("The smaller tree.")},
          {"secondSize", size("The larger tree.")},
          {"firstRootHash", hex_hash("Root of the smaller tree.")},
          {"secondRootHash", hex_hash("Root of the larger tree.")},
          {"path", {{"type", "array"}, {"items", hex_hash("A proof hash (RFC 9162 2.1.4).")}}}}}}},
  };
}

std::vector<Operation> processing_log_proof_operations() {
  std::vector<Operation> ops;
  const std::string base = "/v1/processing-log/chains/{chainId}/";

  auto latest = operation("processing-log", "getLatestCheckpoint", "Latest signed checkpoint",
                          "The newest signed tree head of the chain, for any authenticated "
                          "caller; keep it to check proofs and later checkpoints against.",
                          true);
  latest["parameters"] = nlohmann::json::array({chain_parameter()});
  latest["responses"].update(with_problems(
      {{"200", ok_response("The checkpoint.", ref_schema("TreeCheckpoint"))}}, {400, 404, 503}));
  ops.push_back({"GET", base + "checkpoint", latest});

  auto inclusion = operation(
      "processing-log", "getInclusionProof", "Inclusion proof for one record",
      "Shows that record seq is in the chain's tree of treeSize records (default: the latest "
      "checkpoint). Auditors for every record; a citizen only for their own processing records; "
      "a source holder for records about its datasets; an organisation for its own requests. "
      "Records you may not see are answered 404.",
      true);
  inclusion["parameters"] = nlohmann::json::array(
      {chain_parameter(),
       query_parameter("seq", "The record's number in its chain (from 1).",
                       {{"type", "integer"}, {"format", "int64"}, {"minimum", 1}}),
       query_parameter("treeSize", "The tree size to prove against (a checkpoint's).",
                       {{"type", "integer"}, {"format", "int64"}, {"minimum", 1}})});
  inclusion["parameters"][1]["required"] = true;
  inclusion["responses"].update(
      with_problems({{"200", ok_response("The proof.", ref_schema("InclusionProof"))}},
                    {400, 403, 404, 409, 503}));
  ops.push_back({"GET", base + "inclusion-proof", inclusion});

  auto consistency = operation(
      "processing-log", "getConsistencyProof", "Consistency proof between two tree sizes",
      "Shows that the tree of firstSize records is a prefix of the tree of secondSize records: "
      "nothing was altered, removed or reordered in between. For any authenticated caller.",
      true);
  consistency["parameters"] = nlohmann::json::array(
      {chain_parameter(),
       query_parameter("firstSize", "The earlier tree size.",
                       {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}}),
       query_parameter("secondSize", "The later tree size.",
                       {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}})});
  consistency["parameters"][1]["required"] = true;
  consistency["parameters"][2]["required"] = true;
  consistency["responses"].update(with_problems(
      {{"200", ok_response("The proof.", ref_schema("ConsistencyProof"))}}, {400, 403, 409, 503}));
  ops.push_back({"GET", base + "consistency-proof", consistency});
  return ops;
}

}  // namespace bronpoort::catalog::openapi
