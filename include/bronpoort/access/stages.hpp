#pragma once
// The two pipeline stages of the access checker:
//   access   (before fetch) reads `Processing-Purpose`, decides over the current policy snapshot,
//            fills ctx.purpose_id and ctx.decision, refuses with problem+json when denied.
//   minimise (after fetch) strips every record in ctx.result.body (object or array of objects)
//            down to ctx.decision.fields_granted, and names what was removed in the response
//            header `Withheld-Fields: a,b` (sorted; absent when nothing was withheld): with a
//            `fields` selection, the requested fields outside the grant; without one, every field
//            the source returned that the grant does not cover. A header rather than a body
//            member keeps records in the source's schema.
// Both only act on data routes and never block.

#include <bronpoort/access/policy_snapshot.hpp>
#include <bronpoort/core/stage.hpp>

#include <functional>
#include <memory>

namespace bronpoort::access {

using ClockFn = std::function<TimePoint()>;

inline constexpr const char* kWithheldHeader = "Withheld-Fields";

// `via_linkage`: the stage that checks the trusted third party's input fetches, where a `dataset`
// purpose may read personal records (they are linked and pseudonymised or aggregated before
// anything is delivered). Only the linkage wiring builds one; requests from outside never reach it.
std::shared_ptr<const Stage> make_access_stage(std::shared_ptr<const PolicyHolder> policy,
                                               ClockFn clock = {}, bool via_linkage = false);
std::shared_ptr<const Stage> make_minimise_stage();

// Strips one record (object) to `granted`; adds removed member names to `removed`.
void minimise_record(nlohmann::json& record, const std::vector<std::string>& granted,
                     std::vector<std::string>& removed);

}  // namespace bronpoort::access
