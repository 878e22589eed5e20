// The data-query parser: filters, operators, typed values, paging, sort, field selection, and the
// refusals (unknown fields, bad values, identifying values in URIs).
#include "registry_fixture.hpp"

#include <bronpoort/sources/query_parser.hpp>

#include <gtest/gtest.h>

#include <map>

namespace bronpoort::sources {
namespace {

class QueryParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = testing::demo_registry();
    ASSERT_TRUE(registry_);
    persons_ = registry_->dataset("persons")->resource("persons");
    addresses_ = registry_->dataset("addresses")->resource("addresses");
  }
  static HttpRequest get(const std::string& raw_query) {
    HttpRequest r;
    r.method = "GET";
    r.raw_query = raw_query;
    EXPECT_TRUE(parse_query(raw_query, r.query));
    return r;
  }
  static HttpRequest post(const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.body = body;
    return r;
  }
  static const DataQuery& ok(const QueryParse& p) {
    if (const auto* prob = std::get_if<Problem>(&p)) {
      ADD_FAILURE() << prob->to_json("", "");
      static DataQuery empty;
      return empty;
    }
    return std::get<DataQuery>(p);
  }
  static Problem refused(const QueryParse& p) {
    EXPECT_TRUE(std::holds_alternative<Problem>(p)) << "expected a problem";
    return std::holds_alternative<Problem>(p) ? std::get<Problem>(p) : Problem{};
  }

  std::shared_ptr<const Registry> registry_;
  const Resource* persons_ = nullptr;
  const Resource* addresses_ = nullptr;
};

TEST_F(QueryParserTest, ParsesOperatorSuffixesAndTypesValues) {
  auto q = ok(parse_data_query(*addresses_,
                               get("city=Utrecht&houseNumberGte=10&houseNumberLt=20&"
                                   "postcodeStartsWith=35&streetIn=A,B,C&latitudeGt=52.1"),
                               DataOperation::List));
  ASSERT_EQ(q.filters.size(), 6u);
  EXPECT_EQ(q.filters[0].field, "city");
  EXPECT_EQ(q.filters[0].op, FilterOp::Eq);
  EXPECT_EQ(q.filters[1].op, FilterOp::Gte);
  EXPECT_EQ(q.filters[1].values[0], 10);
  EXPECT_TRUE(q.filters[1].values[0].is_number_integer());
  EXPECT_EQ(q.filters[3].op, FilterOp::StartsWith);
  EXPECT_EQ(q.filters[4].op, FilterOp::In);
  EXPECT_EQ(q.filters[4].values.size(), 3u);
  EXPECT_EQ(q.filters[4].parameter, "streetIn");
  EXPECT_DOUBLE_EQ(q.filters[5].values[0].get<double>(), 52.1);
}

TEST_F(QueryParserTest, ParsesPagingSortFieldsAndTotal) {
  auto q = ok(parse_data_query(*addresses_,
                               get("page=3&pageSize=50&sort=-city,street&fields=street,city&"
                                   "includeTotal=true"),
                               DataOperation::List));
  EXPECT_EQ(q.page, 3);
  EXPECT_EQ(q.page_size, 50);
  ASSERT_EQ(q.sort.size(), 2u);
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_EQ(q.sort[0].field, "city");
  EXPECT_FALSE(q.sort[1].descending);
  EXPECT_EQ(q.fields, (std::vector<std::string>{"street", "city"}));
  EXPECT_TRUE(q.include_total);
}

TEST_F(QueryParserTest, UsesTheDefaultPageSize) {
  auto q = ok(parse_data_query(*addresses_, get(""), DataOperation::List));
  EXPECT_EQ(q.page, 1);
  EXPECT_EQ(q.page_size, addresses_->default_page_size);
}

TEST_F(QueryParserTest, RefusesAPageSizeOverTheMaximum) {
  auto p = refused(parse_data_query(*addresses_, get("pageSize=101"), DataOperation::List));
  EXPECT_EQ(p.status, 400);
  ASSERT_EQ(p.invalid_params.size(), 1u);
  EXPECT_EQ(p.invalid_params[0].name, "pageSize");
  EXPECT_EQ(p.invalid_params[0].code, "page-size-too-large");
}

TEST_F(QueryParserTest, NamesEveryBadParameter) {
  auto p = refused(parse_data_query(
      *addresses_, get("colour=red&houseNumber=ten&cityGt=A&sort=latitude,nope&page=0"),
      DataOperation::List));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.code, "invalid-query");
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& ip : p.invalid_params) got.emplace_back(ip.name, ip.code);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"colour", "unknown-parameter"},
                                                                   {"houseNumber", "invalid-value"},
                                                                   {"sort", "unknown-field"},
                                                                   {"page", "invalid-value"}}))
      << p.to_json("", "");
}

TEST_F(QueryParserTest, RefusesAFilterOnAFieldNotDeclaredFilterable) {
  auto p = refused(parse_data_query(*persons_, get("givenName=Jan"), DataOperation::List));
  ASSERT_EQ(p.invalid_params.size(), 1u);
  EXPECT_EQ(p.invalid_params[0].code, "not-filterable");
}

TEST_F(QueryParserTest, RefusesStartsWithOnANumber) {
  auto p =
      refused(parse_data_query(*addresses_, get("houseNumberStartsWith=1"), DataOperation::List));
  EXPECT_EQ(p.invalid_params[0].code, "unsupported-operator");
}

TEST_F(QueryParserTest, RefusesAnImpossibleDate) {
  auto p =
      refused(parse_data_query(*persons_, get("birthDateGte=2023-02-29"), DataOperation::List));
  EXPECT_EQ(p.invalid_params[0].name, "birthDateGte");
  EXPECT_EQ(p.invalid_params[0].code, "invalid-value");
}

TEST_F(QueryParserTest, RefusesADuplicatedParameter) {
  auto p = refused(parse_data_query(*addresses_, get("city=A&city=B"), DataOperation::List));
  EXPECT_EQ(p.invalid_params[0].code, "duplicate-parameter");
}

TEST_F(QueryParserTest, RefusesABsnInTheQueryString) {
  for (const char* q : {"bsn=123456782", "bsnIn=123456782,111222333", "bsnStartsWith=12"}) {
    auto p = refused(parse_data_query(*persons_, get(q), DataOperation::List));
    EXPECT_EQ(p.status, 400) << q;
    EXPECT_EQ(p.code, "sensitive-in-uri") << q;
  }
}

TEST_F(QueryParserTest, RefusesADetailByBsnInThePath) {
  auto p = refused(parse_data_query(*persons_, get(""), DataOperation::Detail, "123456782"));
  EXPECT_EQ(p.code, "sensitive-in-uri");
}

TEST_F(QueryParserTest, TypesTheDetailIdAndAllowsOnlyFields) {
  auto q = ok(parse_data_query(*addresses_, get("fields=street"), DataOperation::Detail,
                               "0363200000000001"));
  EXPECT_EQ(q.id, "0363200000000001");
  EXPECT_EQ(q.fields, std::vector<std::string>{"street"});
  auto p = refused(parse_data_query(*addresses_, get("city=Utrecht"), DataOperation::Detail, "1"));
  EXPECT_EQ(p.invalid_params[0].name, "city");
}

TEST_F(QueryParserTest, AcceptsABsnInASearchBody) {
  auto q =
      ok(parse_data_query(*persons_, post(R"({"filters": {"bsn": {"in": ["123456782", "111222333"]},
                            "birthDate": {"gte": "1980-01-01", "lt": "1990-01-01"}},
               "sort": ["-birthDate"], "fields": ["bsn", "familyName"], "page": 2,
               "pageSize": 10, "includeTotal": true})"),
                          DataOperation::Search));
  ASSERT_EQ(q.filters.size(), 3u);
  EXPECT_EQ(q.filters[0].field, "birthDate");  // object members come in key order
  EXPECT_EQ(q.filters[2].field, "bsn");
  EXPECT_EQ(q.filters[2].values.size(), 2u);
  EXPECT_EQ(q.filters[2].parameter, "/filters/bsn/in");
  EXPECT_EQ(q.page, 2);
  EXPECT_EQ(q.page_size, 10);
  EXPECT_TRUE(q.include_total);
}

TEST_F(QueryParserTest, NamesTheBodyPointerOfABadSearch) {
  auto p = refused(parse_data_query(
      *addresses_,
      post(R"({"filters": {"houseNumber": {"eq": "7"}, "city": {"like": "U%"}}, "limit": 5})"),
      DataOperation::Search));
  EXPECT_EQ(p.code, "invalid-request");
  std::vector<std::string> names;
  std::vector<std::string> codes;
  for (const auto& ip : p.invalid_params) {
    names.push_back(ip.name);
    codes.push_back(ip.code);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"/filters/city/like", "/filters/houseNumber/eq", "/limit"}));
  EXPECT_EQ(codes,
            (std::vector<std::string>{"additionalProperties", "type", "additionalProperties"}));
  EXPECT_EQ(p.invalid_params[0].reason,
            "property 'like' is not allowed (additionalProperties); allowed: eq, gt, gte, in, lt, "
            "lte, startsWith");
}

TEST_F(QueryParserTest, RefusesASearchBodyThatIsNotAnObject) {
  for (const char* body : {"", "{\"filters\": "}) {
    auto p = refused(parse_data_query(*persons_, post(body), DataOperation::Search));
    EXPECT_EQ(p.code, "invalid-body") << body;
  }
  for (const char* body : {"[1]", "\"x\"", "null"}) {
    auto p = refused(parse_data_query(*persons_, post(body), DataOperation::Search));
    EXPECT_EQ(p.code, "invalid-request") << body;
    ASSERT_EQ(p.invalid_params.size(), 1u) << body;
    EXPECT_EQ(p.invalid_params[0].name, "/");
    EXPECT_EQ(p.invalid_params[0].code, "type");
  }
}

// The resource's own search schema knows its fields: what may be filtered, with which operators
// and operand types, sorted, selected, and how large a page may be. All violations come at once.
TEST_F(QueryParserTest, TheSearchSchemaKnowsTheResource) {
  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  many += "]";
  auto p = refused(parse_data_query(*persons_, post(R"({"filters": {
        "givenName": {"eq": "Jan"},
        "birthDate": {"gte": "1980-13-45", "startsWith": 19},
        "bsn": {"in": )" + many + R"(}, "familyName": {}},
      "sort": ["givenName"], "fields": ["bsn", "salary"], "pageSize": 101, "page": 0})"),
                                    DataOperation::Search));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.code, "invalid-request");
  std::map<std::string, std::string> by_pointer;
  for (const auto& ip : p.invalid_params) by_pointer[ip.name] += ip.code + " ";
  EXPECT_EQ(by_pointer,
            (std::map<std::string, std::string>{{"/fields/1", "enum "},
                                                {"/filters/birthDate/gte", "format "},
                                                {"/filters/birthDate/startsWith", "type "},
                                                {"/filters/bsn/in", "maxItems "},
                                                {"/filters/familyName", "minProperties "},
                                                {"/filters/givenName", "additionalProperties "},
                                                {"/page", "minimum "},
                                                {"/pageSize", "maximum "},
                                                {"/sort/0", "enum "}}));
}

TEST_F(QueryParserTest, TheSearchSchemaRefusesOperatorsThatDoNotApply) {
  auto p = refused(parse_data_query(*addresses_,
                                    post(R"({"filters": {"houseNumber": {"startsWith": 1}}})"),
                                    DataOperation::Search));
  ASSERT_EQ(p.invalid_params.size(), 1u);
  EXPECT_EQ(p.invalid_params[0].name, "/filters/houseNumber/startsWith");
  EXPECT_EQ(
      p.invalid_params[0].reason,
      "property 'startsWith' is not allowed (additionalProperties); allowed: eq, gt, gte, in, "
      "lt, lte");
}

TEST_F(QueryParserTest, RefusesQueryParametersOnASearch) {
  HttpRequest r = post("{}");
  r.query.emplace_back("bsn", "123456782");
  auto p = refused(parse_data_query(*persons_, r, DataOperation::Search));
  EXPECT_EQ(p.invalid_params[0].name, "bsn");
}

TEST_F(QueryParserTest, RefusesHugeInLists) {
  std::string list = "streetIn=";
  for (int i = 0; i < 101; ++i) list += (i ? "," : "") + std::to_string(i);
  auto p = refused(parse_data_query(*addresses_, get(list), DataOperation::List));
  EXPECT_EQ(p.invalid_params[0].code, "invalid-value");
}

}  // namespace
}  // namespace bronpoort::sources
