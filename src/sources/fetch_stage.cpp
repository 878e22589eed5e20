#include <bronpoort/sources/fetch_stage.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>

namespace bronpoort::sources {
namespace {

// The completion handed to a connector, called at most once. A connector that drops it without
// calling it (its task threw and was unwound on a pool, see net::ThreadPoolExecutor) answers the
// request with `dropped` when the last copy goes, instead of leaving it to wait for its deadline.
FetchDone once(Problem dropped, FetchDone done) {
  struct State {
    FetchDone done;
    Problem dropped;
    std::atomic<bool> called{false};
    ~State() {
      if (called.exchange(true)) return;
      try {
        done(FetchOutcome(std::move(dropped)));
      } catch (const std::exception& e) {
        report_failure("fetch", e.what());
      } catch (...) {
        report_failure("fetch", "unknown exception");
      }
    }
  };
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  state->dropped = std::move(dropped);
  return [state](FetchOutcome outcome) {
    if (state->called.exchange(true)) return;
    state->done(std::move(outcome));
  };
}

class FetchStage final : public Stage {
 public:
  FetchStage(std::shared_ptr<const Registry> registry, std::shared_ptr<SourceRuntime> runtime,
             OrderKeyFor order_key_for)
      : registry_(std::move(registry)),
        runtime_(std::move(runtime)),
        order_key_for_(std::move(order_key_for)) {
    // Connectors are looked up once per registry, not per request.
    for (const auto& ds : registry_->datasets) {
      for (const auto& res : ds.resources) connectors_[&res] = runtime_->connector_for(res);
    }
  }

  const char* name() const override { return "fetch"; }

  void run(RequestContext& ctx, Resume resume) const override {
    if (ctx.route.kind != RouteKind::Data) return resume(Flow::Continue);
    const Dataset* ds = registry_->dataset(ctx.route.dataset);
    const Resource* res = ds == nullptr ? nullptr : ds->resource(ctx.route.resource);
    if (res == nullptr) {
      ctx.fail(make_problem(404, "resource-not-found", "No such dataset resource."));
      return resume(Flow::Stop);
    }
    auto request = std::make_shared<FetchRequest>();
    request->registry = registry_;
    request->resource = res;
    request->query = ctx.query;
    request->query.operation = ctx.route.operation;
    request->traceparent = ctx.trace.traceparent();
    request->fields = ctx.query.fields;
    // A caller to whom the id is not released must not learn from the order of the records how
    // their ids compare (a list of people in BSN order): ties then go by a keyed hash of the id.
    const auto& granted = ctx.decision.fields_granted;
    if (order_key_for_ && ctx.route.operation != DataOperation::Detail &&
        std::find(granted.begin(), granted.end(), res->id_field) == granted.end()) {
      request->order_key = order_key_for_(ctx.identity.organisation + "\n" + ctx.purpose_id + "\n" +
                                          ds->id + "\n" + res->id);
    }
    // The processing log needs every data subject in the answer, even when the caller did not
    // select the subject field; it is removed again below.
    bool strip_subject = false;
    if (res->subject && !request->fields.empty() &&
        std::find(request->fields.begin(), request->fields.end(), res->subject->field) ==
            request->fields.end()) {
      request->fields.push_back(res->subject->field);
      strip_subject = true;
    }
    auto started = std::chrono::steady_clock::now();
    auto connector = connectors_.at(res);
    connector->fetch(
        request,
        once(make_problem(502, "source-error",
                          "The source connector failed before the source "
                          "answered. Try again; quote the traceId if it "
                          "persists."),
             [&ctx, resume = std::move(resume), res, strip_subject, started](FetchOutcome outcome) {
               complete_guarded(ctx, "fetch", resume, [&](const Resume& r) {
                 complete(ctx, r, *res, strip_subject, started, std::move(outcome));
               });
             }));
  }

 private:
  // Runs on the connector's thread (or inline for immediate refusals).
  static void complete(RequestContext& ctx, const Resume& resume, const Resource& res,
                       bool strip_subject, std::chrono::steady_clock::time_point started,
                       FetchOutcome outcome) {
    ctx.result.latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (!outcome.ok()) {
      ctx.fail(std::move(outcome).error());
      return resume(Flow::Stop);
    }
    auto& page = outcome.value();
    ctx.result.fetched = true;
    ctx.result.body = std::move(page.body);
    ctx.result.total = page.total;
    ctx.result.has_next = page.has_next;
    collect_subjects(res, ctx, strip_subject);
    std::string link = paging_link_header(ctx);
    if (!link.empty()) ctx.response.headers.set("Link", link);
    resume(Flow::Continue);
  }

  static void collect_subjects(const Resource& res, RequestContext& ctx, bool strip) {
    if (!res.subject) return;
    std::set<std::string> seen;
    auto take = [&](nlohmann::json& record) {
      auto it = record.find(res.subject->field);
      if (it == record.end()) return;
      if (it->is_string() && seen.insert(it->get<std::string>()).second) {
        ctx.data_subjects.push_back(DataSubject{res.subject->type, it->get<std::string>()});
      }
      if (strip) record.erase(it);
    };
    if (ctx.result.body.is_array()) {
      for (auto& r : ctx.result.body) take(r);
    } else if (ctx.result.body.is_object()) {
      take(ctx.result.body);
    }
  }

  std::shared_ptr<const Registry> registry_;
  std::shared_ptr<SourceRuntime> runtime_;
  OrderKeyFor order_key_for_;
  std::map<const Resource*, std::shared_ptr<SourceConnector>> connectors_;
};

}  // namespace

std::shared_ptr<const Stage> make_fetch_stage(std::shared_ptr<const Registry> registry,
                                              std::shared_ptr<SourceRuntime> runtime,
                                              OrderKeyFor order_key_for) {
  return std::make_shared<FetchStage>(std::move(registry), std::move(runtime),
                                      std::move(order_key_for));
}

}  // namespace bronpoort::sources
