#include <bronpoort/access/stages.hpp>

#include <algorithm>

namespace bronpoort::access {

void minimise_record(nlohmann::json& record, const std::vector<std::string>& granted,
                     std::vector<std::string>& removed) {
  for (auto it = record.begin(); it != record.end();) {
    if (std::find(granted.begin(), granted.end(), it.key()) == granted.end()) {
      removed.push_back(it.key());
      it = record.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {

class MinimiseStage final : public SyncStage {
 public:
  const char* name() const override { return "minimise"; }

  Flow process(RequestContext& ctx) const override {
    if (ctx.route.kind != RouteKind::Data || !ctx.result.fetched) return Flow::Continue;
    auto& body = ctx.result.body;
    // Fail closed: data fetched without an allowing decision must never be released.
    if (!ctx.decision.evaluated || !ctx.decision.allowed) {
      body = nullptr;
      ctx.fail(make_problem(500, "access-not-evaluated",
                            "The response was withheld because no access decision allowed it."));
      return Flow::Stop;
    }
    const auto& granted = ctx.decision.fields_granted;
    std::vector<std::string> removed;
    if (body.is_object()) {
      minimise_record(body, granted, removed);
    } else if (body.is_array()) {
      for (auto& record : body) {
        if (!record.is_object()) {
          body = nullptr;
          ctx.fail(make_problem(502, "source-response-unexpected",
                                "The source returned a record that is not an object; it was "
                                "withheld because it cannot be minimised."));
          return Flow::Stop;
        }
        minimise_record(record, granted, removed);
      }
    } else if (!body.is_null()) {
      body = nullptr;
      ctx.fail(make_problem(502, "source-response-unexpected",
                            "The source response is neither a record nor a list of records."));
      return Flow::Stop;
    }
    // With an explicit `fields` selection the caller learns which of the fields it asked for
    // were withheld; fields it did not ask for were not selected, whatever the grant says. Without
    // one, every field the source returned and the grant does not cover is withheld.
    if (!ctx.query.fields.empty()) removed.clear();
    removed.insert(removed.end(), ctx.decision.fields_withheld.begin(),
                   ctx.decision.fields_withheld.end());
    std::sort(removed.begin(), removed.end());
    removed.erase(std::unique(removed.begin(), removed.end()), removed.end());
    ctx.decision.fields_withheld = removed;
    if (!removed.empty()) {
      std::string value;
      for (const auto& f : removed) value += (value.empty() ? "" : ",") + f;
      ctx.response.headers.set(kWithheldHeader, value);
    }
    return Flow::Continue;
  }
};

}  // namespace

std::shared_ptr<const Stage> make_minimise_stage() {
  return std::make_shared<MinimiseStage>();
}

}  // namespace bronpoort::access
