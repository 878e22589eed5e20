// The canonical bytes are what every stored hash covers: rendering them from a template built on
// the caller's thread must give exactly the bytes of format v1, or logs written before (and
// verified after) would no longer verify.

#include "../../../src/processing_log/sql_shape.hpp"
#include "log_test_support.hpp"

#include <bronpoort/processing_log/canonical.hpp>

#include <gtest/gtest.h>

namespace bronpoort::processing_log {
namespace {

// Format v1 as first defined: the whole record as one JSON object with sorted keys.
std::string v1_reference(const LogRecord& r) {
  nlohmann::json j = {
      {"v", 1},
      {"kind", record_kind_name(r.kind)},
      {"chainId", r.chain_id},
      {"seq", r.seq},
      {"loggedAt", r.logged_at_us},
      {"traceId", r.trace_id},
      {"spanId", r.span_id},
      {"parentSpanId", r.parent_span_id},
      {"name", r.name},
      {"start", r.start_us},
      {"end", r.end_us},
      {"status", r.status},
      {"processingActivityId", r.processing_activity_id},
      {"dataSubjectId", r.data_subject_id},
      {"dataSubjectIdType", r.data_subject_id_type},
      {"pseudonymKeyId", r.pseudonym_key_id},
      {"event", r.event},
      {"organisation", r.organisation},
      {"role", r.role},
      {"user", r.user},
      {"purpose", r.purpose},
      {"legalBasis", r.legal_basis},
      {"dataset", r.dataset},
      {"resource", r.resource},
      {"ownerOrganisation", r.owner_organisation},
      {"fieldsReleased", r.fields_released},
      {"fieldsWithheld", r.fields_withheld},
      {"decision", r.decision},
      {"reasonCode", r.reason_code},
      {"httpStatus", r.http_status},
      {"recordCount", r.record_count},
      {"sourceLatencyUs", r.source_latency_us},
      {"details", r.details},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<LogRecord> awkward_records() {
  std::vector<LogRecord> out;
  out.push_back(testing::sample_record());
  out.back().chain_id = "gateway-1";
  out.back().seq = 42;
  out.back().logged_at_us = 1700000000123456;

  LogRecord audit = testing::sample_record("vehicles", "0000000\"1");
  audit.kind = RecordKind::Audit;
  audit.chain_id = "chain \"with\" quotes\n";
  audit.seq = 1;
  audit.logged_at_us = -5;  // before the epoch: a sign must survive
  audit.event = "grant-revoked";
  // Members named like the spliced ones, nested where a naive splice might find them.
  audit.details = {{"seq", 7}, {"loggedAt", "x"}, {"chainId", {{"seq", 1}}}, {"v", 2}};
  audit.fields_withheld = {"bsn", "naam \xc3\xa9", ""};
  audit.reason_code = "\x01\x1f control";
  audit.user = "\xff\xfe not utf-8";  // replaced, never thrown
  audit.record_count = -1;
  audit.source_latency_us = 9223372036854775807;
  out.push_back(audit);

  LogRecord empty;  // every text empty, every number zero
  out.push_back(empty);
  return out;
}

TEST(CanonicalBytes, TemplateRendersExactlyFormatV1) {
  for (const auto& r : awkward_records()) {
    std::string rendered;
    CanonicalTemplate(r).render(rendered, r.chain_id, r.logged_at_us, r.seq);
    EXPECT_EQ(rendered, v1_reference(r));
    EXPECT_EQ(r.canonical_bytes(), v1_reference(r));
  }
}

// The stored list and object columns are written without nlohmann's serialiser for the common
// cases; they must still be exactly what it dumps, for every value a record can carry.
TEST(RecordColumns, ListAndObjectTextsAreExactlyNlohmannsDump) {
  auto reference = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  const std::vector<nlohmann::json> objects = {
      nlohmann::json::object(),
      {{"reason", "allowed by grant"}},
      {{"reason", "quote\" back\\ \xc3\xa9 tab\t"}, {"grantId", "g-1"}},
      {{"b", {{"nested", {1, 2.5, "x", nullptr}}}}, {"a", true}, {"n", nullptr}, {"big", -9e300}},
      {{"\xff key", "\xfe value"}, {"ctl\x01", "\x1f"}},
      nullptr,
      "just a text",
      {1, "two", {{"three", 3}}},
  };
  for (const auto& j : objects) EXPECT_EQ(sql::json_column(j), reference(j)) << reference(j);
  const std::vector<std::vector<std::string>> lists = {
      {}, {"a"}, {"", "naam \xc3\xa9", "\x01", "\xff\xfe", "\"quoted\"", "back\\slash"}};
  for (const auto& l : lists) EXPECT_EQ(sql::json_column(l), reference(l)) << reference(l);
}

TEST(CanonicalBytes, TemplateIgnoresChainValuesOfTheRecordItWasBuiltFrom) {
  auto r = testing::sample_record();
  CanonicalTemplate tmpl(r);  // built before the writer knows chain, time and position
  r.chain_id = "c";
  r.logged_at_us = 99;
  r.seq = 3;
  std::string rendered;
  tmpl.render(rendered, r.chain_id, r.logged_at_us, r.seq);
  EXPECT_EQ(rendered, v1_reference(r));
}

TEST(ChainLinker, LinksLikeLinkRecordAcrossManyRecords) {
  auto records = awkward_records();
  std::vector<LogRecord> expected = records;
  std::string hash = genesis_hash();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expected[i].chain_id = "c";
    link_record(expected[i], static_cast<std::int64_t>(i) + 10, hash);
    hash = expected[i].hash;
  }
  // The same chain continued from seq 10 with an all-zero head, by the writer's linker.
  ChainLinker linker(10, genesis_hash());
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].chain_id = "c";
    linker.link(records[i], CanonicalTemplate(records[i]));
    EXPECT_EQ(records[i].seq, static_cast<std::int64_t>(i) + 11);
    EXPECT_EQ(records[i].prev_hash, i == 0 ? genesis_hash() : records[i - 1].hash);
    EXPECT_EQ(records[i].hash, expected[i].hash) << i;
    EXPECT_EQ(chain_hash(records[i].prev_hash, records[i].canonical_bytes()), records[i].hash);
  }
  EXPECT_EQ(linker.head_seq(), static_cast<std::int64_t>(records.size()) + 10);
  EXPECT_EQ(linker.head_hash(), records.back().hash);
}

TEST(ChainLinker, RefusesAMalformedHead) {
  EXPECT_THROW(ChainLinker(1, "abc"), std::invalid_argument);
  EXPECT_THROW(ChainLinker(1, std::string(64, 'G')), std::invalid_argument);
}

}  // namespace
}  // namespace bronpoort::processing_log
