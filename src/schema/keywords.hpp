#pragma once
// The keyword evaluators the compiler builds. Assertions (type, bounds, ...) in
// keywords_assert.cpp; applicators (subschemas, $ref, unevaluated*) in keywords_apply.cpp.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ecma_regex.hpp"
#include "formats.hpp"
#include "program.hpp"

namespace bronpoort::schema::detail {

#define BRONPOORT_KEYWORD_EVALUATE                                                            \
  bool evaluate(EvalContext& ctx, const json& instance, const Path* path, const Scope* scope, \
                Annotations* ann) const override

// ---- assertions -------------------------------------------------------------------------------

enum TypeBit : std::uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeNumber = 16,
  kTypeString = 32,
  kTypeInteger = 64,
};

struct TypeKeyword : Keyword {
  TypeKeyword(std::string loc, std::uint8_t mask) : Keyword(std::move(loc)), mask(mask) {}
  std::uint8_t mask;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct EnumKeyword : Keyword {
  EnumKeyword(std::string loc, json values, bool is_const)
      : Keyword(std::move(loc)), values(std::move(values)), is_const(is_const) {}
  json values;  // an array (enum) or the one value (const)
  bool is_const;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct NumberBoundKeyword : Keyword {
  enum class Kind { kMinimum, kMaximum, kExclusiveMinimum, kExclusiveMaximum };
  NumberBoundKeyword(std::string loc, Kind kind, json limit)
      : Keyword(std::move(loc)), kind(kind), limit(std::move(limit)) {}
  Kind kind;
  json limit;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct MultipleOfKeyword : Keyword {
  MultipleOfKeyword(std::string loc, json divisor)
      : Keyword(std::move(loc)), divisor(std::move(divisor)) {}
  json divisor;
  BRONPOORT_KEYWORD_EVALUATE;
};

// minLength/maxLength, minItems/maxItems, minProperties/maxProperties.
struct SizeKeyword : Keyword {
  enum class Target { kString, kArray, kObject };
  SizeKeyword(std::string loc, Target target, bool is_max, std::uint64_t limit)
      : Keyword(std::move(loc)), target(target), is_max(is_max), limit(limit) {}
  Target target;
  bool is_max;
  std::uint64_t limit;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct PatternKeyword : Keyword {
  PatternKeyword(std::string loc, std::unique_ptr<EcmaRegex> re)
      : Keyword(std::move(loc)), regex(std::move(re)) {}
  std::unique_ptr<EcmaRegex> regex;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct FormatKeyword : Keyword {
  FormatKeyword(std::string loc, std::string name, FormatChecker check)
      : Keyword(std::move(loc)), name(std::move(name)), check(check) {}
  std::string name;
  FormatChecker check;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct UniqueItemsKeyword : Keyword {
  using Keyword::Keyword;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct RequiredKeyword : Keyword {
  RequiredKeyword(std::string loc, std::vector<std::string> names)
      : Keyword(std::move(loc)), names(std::move(names)) {}
  std::vector<std::string> names;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct DependentRequiredKeyword : Keyword {
  using Keyword::Keyword;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependencies;
  BRONPOORT_KEYWORD_EVALUATE;
};

// ---- applicators ------------------------------------------------------------------------------

struct SchemaListKeyword : Keyword {
  enum class Kind { kAllOf, kAnyOf, kOneOf };
  SchemaListKeyword(std::string loc, Kind kind) : Keyword(std::move(loc)), kind(kind) {}
  Kind kind;
  std::vector<const Node*> schemas;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct NotKeyword : Keyword {
  using Keyword::Keyword;
  const Node* schema = nullptr;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct IfKeyword : Keyword {
  using Keyword::Keyword;
  const Node* if_schema = nullptr;
  const Node* then_schema = nullptr;  // may be null
  const Node* else_schema = nullptr;  // may be null
  BRONPOORT_KEYWORD_EVALUATE;
};

// $ref, and $dynamicRef (dynamic_anchor set when the static target bookends the anchor).
struct RefKeyword : Keyword {
  using Keyword::Keyword;
  const Node* target = nullptr;
  std::string dynamic_anchor;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct DependentSchemasKeyword : Keyword {
  using Keyword::Keyword;
  std::vector<std::pair<std::string, const Node*>> schemas;
  BRONPOORT_KEYWORD_EVALUATE;
};

// items/additionalItems (draft 7) and prefixItems/items (2020-12).
struct ItemsKeyword : Keyword {
  using Keyword::Keyword;
  std::vector<const Node*> prefix;
  const Node* rest = nullptr;
  std::string rest_location;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct ContainsKeyword : Keyword {
  using Keyword::Keyword;
  const Node* schema = nullptr;
  std::uint64_t min = 1;
  std::uint64_t max = UINT64_MAX;
  BRONPOORT_KEYWORD_EVALUATE;
};

// properties + patternProperties + additionalProperties, evaluated in one pass over the members.
struct MembersKeyword : Keyword {
  using Keyword::Keyword;
  std::vector<std::pair<std::string, const Node*>> properties;  // sorted like the instance map
  std::vector<std::pair<std::unique_ptr<EcmaRegex>, const Node*>> patterns;
  const Node* additional = nullptr;
  std::string additional_location;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct PropertyNamesKeyword : Keyword {
  using Keyword::Keyword;
  const Node* schema = nullptr;
  BRONPOORT_KEYWORD_EVALUATE;
};

struct UnevaluatedKeyword : Keyword {
  UnevaluatedKeyword(std::string loc, bool items) : Keyword(std::move(loc)), items(items) {}
  bool items;  // unevaluatedItems, else unevaluatedProperties
  const Node* schema = nullptr;
  BRONPOORT_KEYWORD_EVALUATE;
};

#undef BRONPOORT_KEYWORD_EVALUATE

}  // namespace bronpoort::schema::detail
