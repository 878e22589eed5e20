#pragma once
// The compiled form of a schema: a graph of Nodes (one per schema object), each a list of
// Keyword evaluators. $ref edges point at other Nodes, so cycles are ordinary graph cycles;
// evaluation is bounded by a depth limit and a step budget instead.

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <bronpoort/schema/validator.hpp>
#include <nlohmann/json.hpp>

namespace bronpoort::schema::detail {

using json = nlohmann::json;

struct Node;

// A schema resource: the scope an $id opens. $dynamicRef resolution walks these.
struct Resource {
  std::string uri;
  std::unordered_map<std::string, const Node*> dynamic_anchors;
};

// Instance location as a chain of frames on the C++ stack: free to build, turned into a JSON
// pointer only when an error is reported.
struct Path {
  const Path* parent = nullptr;
  const std::string* key = nullptr;  // member name, or nullptr for an array index
  std::size_t index = 0;

  static std::string pointer(const Path* path);
};

// The dynamic scope (resources entered so far), also a chain of stack frames.
struct Scope {
  const Resource* resource = nullptr;
  const Scope* parent = nullptr;
};

// What in-place applicators evaluated at one instance location, for unevaluated*.
struct Annotations {
  std::vector<const json*> properties;  // addresses of evaluated member values
  bool all_properties = false;
  std::size_t items = 0;  // items [0, items) evaluated
  bool all_items = false;
  std::vector<std::size_t> contained;  // items `contains` matched

  void merge(const Annotations& other);
  // Sorts the recorded sets so the lookups below are O(log n); call before looking up.
  void prepare_lookup();
  bool property_evaluated(const json* value) const;
  bool item_evaluated(std::size_t i) const;
};

struct SchemaProgram;

class EvalContext {
 public:
  EvalContext(const SchemaProgram& program, std::vector<ValidationError>* errors,
              bool stop_at_first);

  const SchemaProgram& program;
  std::vector<ValidationError>* errors;  // nullptr: silent (branch trial, or is_valid)
  bool stop_at_first;
  std::size_t steps = 0;
  std::size_t depth = 0;
  bool aborted = false;
  std::optional<ValidationError> abort_error;
  std::size_t omitted = 0;  // failures beyond kMaxCollectedErrors

  // Records a failure (building the message only when someone will read it); returns false.
  template <typename Reason>
  bool fail(const Path* path, const std::string& location, Reason&& reason) {
    if (!errors) return false;
    if (errors->size() >= kMaxCollectedErrors) {
      ++omitted;  // counted, not built: the message and pointer cost memory
    } else {
      errors->push_back({Path::pointer(path), location, reason()});
    }
    return false;
  }
  // Stops the whole validation because a limit was hit; returns false.
  bool abort(const Path* path, const std::string& location, std::string reason);
  // After a failure, whether to go on evaluating sibling keywords.
  bool keep_going() const { return errors && !stop_at_first && !aborted; }
};

class Keyword {
 public:
  explicit Keyword(std::string location) : location_(std::move(location)) {}
  virtual ~Keyword() = default;
  Keyword(const Keyword&) = delete;
  Keyword& operator=(const Keyword&) = delete;

  // Whether `instance` satisfies this keyword. Failures are reported through `ctx`; `ann`, when
  // set, receives what this keyword evaluated (for unevaluated* in the same schema object).
  virtual bool evaluate(EvalContext& ctx, const json& instance, const Path* path,
                        const Scope* scope, Annotations* ann) const = 0;

  const std::string& location() const { return location_; }

 protected:
  std::string location_;
};

struct Node {
  const Resource* resource = nullptr;
  std::string location;
  std::optional<bool> boolean;  // set for `true` / `false` schemas
  std::vector<std::unique_ptr<Keyword>> keywords;
  bool collects_annotations = false;  // holds unevaluated*: needs its own Annotations
};

bool evaluate_node(const Node& node, EvalContext& ctx, const json& instance, const Path* path,
                   const Scope* scope, Annotations* ann);

// Evaluates without reporting (anyOf branches, not, if); restores the error sink afterwards.
bool evaluate_silently(const Node& node, EvalContext& ctx, const json& instance, const Path* path,
                       const Scope* scope, Annotations* ann);

struct SchemaProgram {
  CompileOptions options;
  std::string base_uri;
  std::vector<std::shared_ptr<const json>> documents;  // keep every compiled-from JSON alive
  std::vector<std::unique_ptr<Resource>> resources;
  std::vector<std::unique_ptr<Node>> nodes;
  const Node* root = nullptr;
};

// JSON Schema equality: numbers compare by value (1 == 1.0), objects ignore member order.
// Returns false (and sets `too_deep`) beyond `max_depth` nesting.
bool json_equal(const json& a, const json& b, std::size_t max_depth, bool& too_deep);
// -1, 0, 1 comparing two JSON numbers exactly across integer and float representations.
int compare_numbers(const json& a, const json& b);
std::string type_name(const json& value);

}  // namespace bronpoort::schema::detail
