#include "run.hpp"

#include <bronpoort/common/time.hpp>
#include <bronpoort/linkage/linking.hpp>

#include <algorithm>
#include <unordered_set>

namespace bronpoort::linkage {
namespace {

std::string iso_date(std::chrono::year_month_day d) {
  return common::format_date(std::chrono::sys_days{d});
}

// The delivered columns: what the processing log records as released.
std::vector<std::string> released_columns(const LinkedQuery& q, Delivery delivery) {
  std::vector<std::string> out;
  if (delivery == Delivery::Rows) {
    out.push_back("pseudonym");
    out.insert(out.end(), q.rows->columns.begin(), q.rows->columns.end());
  } else {
    out = q.aggregate->group_by;
    for (const auto& m : q.aggregate->measures) out.push_back(m.name);
  }
  return out;
}

}  // namespace

Run::Run(std::shared_ptr<const LinkageEndpointOptions> options, const LinkedQuery& query,
         Delivery delivery, nlohmann::json filters, RequestContext& ctx, Resume done,
         std::shared_ptr<void> slot)
    : options_(std::move(options)),
      config_(*options_->config),
      query_(query),
      delivery_(delivery),
      filters_(std::move(filters)),
      ctx_(ctx),
      done_(std::move(done)),
      records_(query.inputs.size()),
      calls_(query.inputs.size(), 0),
      slot_(std::move(slot)),
      started_(now()) {
  caller_.identity = ctx.identity;
  caller_.trace = ctx.trace;
  caller_.purpose_id = ctx.purpose_id;
  caller_.request.tls = ctx.request.tls;
  caller_.request.client_certificate = ctx.request.client_certificate;
}

std::chrono::steady_clock::time_point Run::now() const {
  return options_->monotonic ? options_->monotonic() : std::chrono::steady_clock::now();
}

void Run::refuse(Problem problem, nlohmann::json audit) {
  ctx_.decision.allowed = false;
  ctx_.decision.code = problem.code;
  ctx_.decision.reason = problem.detail;
  audit["linkedQuery"] = query_.id;
  audit["inputs"] = input_summary();
  ctx_.audit_details = std::move(audit);
  ctx_.fail(std::move(problem));
  slot_.reset();
  auto done = std::move(done_);
  done(Flow::Stop);
}

nlohmann::json Run::input_summary() const {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < query_.inputs.size(); ++i) {
    const auto& in = query_.inputs[i];
    out.push_back({{"name", in.name},
                   {"dataset", in.dataset},
                   {"resource", in.resource},
                   {"calls", calls_[i]},
                   {"records", records_[i].size()}});
  }
  return out;
}

void Run::start() {
  auto& d = ctx_.decision;
  d.evaluated = true;
  d.purpose_id = query_.purpose;
  d.scope = PurposeScope::Dataset;
  if (recipient_of(ctx_.identity).empty()) {
    return refuse(make_problem(403, "recipient-unknown",
                               "Linked results are pseudonymised for the receiving organisation; "
                               "the token names none (claim 'organisation' or an mTLS OIN)."));
  }
  // Nothing is fetched unless every input is granted: a half-run would process personal data
  // for a delivery that cannot be made.
  for (const auto& input : query_.inputs) {
    AccessDecision granted;
    if (auto problem = options_->check_grant(ctx_, query_.purpose, input, granted)) {
      problem->detail = "Input '" + input.name + "' (" + input.dataset + "/" + input.resource +
                        "): " + problem->detail;
      return refuse(std::move(*problem));
    }
    if (d.legal_basis.empty()) {
      d.legal_basis = granted.legal_basis;
      d.processing_activity = granted.processing_activity;
      d.role = granted.role;
    }
  }
  {
    std::lock_guard lock(mu_);
    queue_input_locked();
  }
  launch();
}

void Run::queue_input_locked() {
  if (input_ == 0) {
    queue_.push_back({0, 1});
    return;
  }
  for (std::size_t b = 0; b * kKeysPerCall < keys_.size(); ++b) queue_.push_back({b, 1});
}

InputCall Run::make_call(const Pending& p) const {
  const Input& input = query_.inputs[input_];
  nlohmann::json filters = filters_;
  if (input_ > 0) {
    const std::size_t from = p.batch * kKeysPerCall;
    const std::size_t to = std::min(keys_.size(), from + kKeysPerCall);
    filters = {{input.key,
                {{"in", std::vector<std::string>(keys_.begin() + static_cast<long>(from),
                                                 keys_.begin() + static_cast<long>(to))}}}};
  }
  InputCall call;
  call.input = &input;
  call.search_body = {{"filters", std::move(filters)},
                      {"fields", input.fetched_fields()},
                      {"sort", {input.key}},
                      {"page", p.page},
                      {"pageSize", input.page_size}};
  return call;
}

void Run::launch() {
  std::vector<std::pair<Pending, InputCall>> calls;
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    const std::size_t most = input_ == 0 ? 1 : kParallelCalls;
    while (in_flight_ < most && !queue_.empty()) {
      Pending p = queue_.front();
      queue_.pop_front();
      calls.emplace_back(p, make_call(p));
      ++in_flight_;
      ++calls_[input_];
    }
  }
  // Outside the lock: a runner may answer at once, on this thread.
  auto self = shared_from_this();
  for (auto& [pending, call] : calls) {
    options_->run_input(caller_, call, [self, pending = pending](InputAnswer answer) {
      self->on_answer(pending, std::move(answer));
    });
  }
}

void Run::on_answer(Pending call, InputAnswer answer) {
  std::optional<Problem> stop;
  bool complete = false;
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    --in_flight_;
    const Input& input = query_.inputs[input_];
    const std::string where =
        "Input '" + input.name + "' (" + input.dataset + "/" + input.resource + "): ";
    if (now() - started_ > config_.max_run) {
      stop = make_problem(
          504, "linkage-timeout",
          "The run was still reading its inputs after " + std::to_string(config_.max_run.count()) +
              " s (at input '" + input.name + "'); narrow the population with filters on input '" +
              query_.inputs[0].name + "' or try again when the sources answer faster.");
    } else if (answer.problem) {
      stop = std::move(*answer.problem);
      stop->detail = where + stop->detail;
    } else {
      // Grants may change between the check and the fetch: a field withheld now would be
      // linked as missing, so the run stops instead.
      const auto& granted = answer.decision.fields_granted;
      for (const auto& f : input.fetched_fields()) {
        if (!stop && std::find(granted.begin(), granted.end(), f) == granted.end()) {
          stop = make_problem(403, "field-not-granted",
                              "Input '" + input.name + "': field '" + f +
                                  "' is no longer granted for this purpose.");
        }
      }
    }
    if (!stop) {
      if (!answer.decision.grant_id.empty() &&
          std::find(grants_.begin(), grants_.end(), answer.decision.grant_id) == grants_.end()) {
        grants_.push_back(answer.decision.grant_id);
      }
      fetched_ += answer.records.size();
      if (fetched_ > config_.max_input_records) {
        stop = make_problem(
            422, "linkage-too-large",
            "The inputs hold more than " + std::to_string(config_.max_input_records) +
                " records for this run; narrow the population with filters on input '" +
                query_.inputs[0].name + "'.");
      }
    }
    if (stop) {
      finished_ = true;
    } else {
      auto& into = records_[input_];
      for (auto& r : answer.records) into.push_back(std::move(r));
      if (answer.has_next) queue_.push_back({call.batch, call.page + 1});
      if (in_flight_ == 0 && queue_.empty()) {
        // This input is read: on to the next one that has keys to ask for, or deliver.
        if (input_ == 0) {
          std::unordered_set<std::string> seen;
          for (const auto& r : records_[0]) {
            if (auto k = key_of(r, input.key); k && seen.insert(*k).second) keys_.push_back(*k);
          }
        }
        ++input_;
        if (input_ < query_.inputs.size()) queue_input_locked();
        if (queue_.empty()) {
          finished_ = true;
          complete = true;
        }
      }
    }
  }
  // finished_ is set: no other answer touches the run's state, and only this thread answers.
  if (stop) return refuse(std::move(*stop));
  if (complete) return deliver();
  launch();
}

void Run::deliver() {
  auto linked = link_inputs(query_, records_, config_.max_rows);
  if (linked.problem) return refuse(std::move(*linked.problem));
  const auto now = options_->clock ? options_->clock() : std::chrono::system_clock::now();
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
  add_derived(query_, linked.rows, today);
  nlohmann::json refused = {{"linkedRows", linked.rows.size()}};
  if (auto problem = release_problem(linked.rows, refused)) {
    return refuse(std::move(*problem), std::move(refused));
  }

  nlohmann::json body = {
      {"linkedQuery", query_.id}, {"purpose", query_.purpose}, {"referenceDate", iso_date(today)}};
  nlohmann::json audit = {{"linkedQuery", query_.id}, {"linkedRows", linked.rows.size()}};
  if (delivery_ == Delivery::Aggregate) {
    auto result = aggregate(*query_.aggregate, linked.rows);
    body["delivery"] = "aggregate";
    body["minCellSize"] = query_.aggregate->min_cell_size;
    body["suppressedCells"] = result["suppressedCells"];
    body["cells"] = std::move(result["cells"]);
    audit["delivery"] = "aggregate";
    audit["deliveredCells"] = body["cells"].size();
    audit["suppressedCells"] = body["suppressedCells"];
  } else {
    const std::string recipient = recipient_of(ctx_.identity);
    body["delivery"] = "rows";
    body["pseudonymFor"] = {{"organisation", recipient}, {"purpose", query_.purpose}};
    body["rows"] = pseudonymised_rows(*query_.rows, linked.rows, config_.pseudonym_key, recipient,
                                      query_.purpose, query_.inputs[0].key_type);
    audit["delivery"] = "rows";
    audit["deliveredRows"] = body["rows"].size();
  }
  audit["inputs"] = input_summary();
  auto& d = ctx_.decision;
  d.allowed = true;
  d.fields_granted = released_columns(query_, delivery_);
  for (const auto& g : grants_) d.grant_id += (d.grant_id.empty() ? "" : ",") + g;
  ctx_.audit_details = std::move(audit);
  ctx_.response.status = 200;
  ctx_.response.headers.set("Content-Type", "application/json");
  ctx_.response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  slot_.reset();
  auto done = std::move(done_);
  done(Flow::Continue);
}

}  // namespace bronpoort::linkage
