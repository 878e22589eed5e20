#pragma once
// The fetch stage: answers a data route from its source. It fills ctx.result (records, total,
// whether another page follows), ctx.data_subjects (one per subject identifier in the returned
// records, raw ids in memory only) and the paging `Link` header, or refuses with the connector's
// problem (404, 502, 503, 504). It resumes from the connector's completion handler, so no I/O
// thread ever waits for a source.

#include <bronpoort/core/stage.hpp>
#include <bronpoort/sources/registry.hpp>
#include <bronpoort/sources/runtime.hpp>

#include <functional>
#include <memory>
#include <string>

namespace bronpoort::sources {

// Gives the secret key that orders a caller's records when the resource's id is withheld from
// it (FetchRequest::order_key); `scope` names the organisation, purpose and resource. The
// gateway derives it from the processing log's pseudonym key, which every instance shares.
using OrderKeyFor = std::function<std::string(const std::string& scope)>;

// Build one per registry (at load and reload), with the process's one runtime. Without
// `order_key_for`, ties are always ordered by the id (for callers that release no records).
std::shared_ptr<const Stage> make_fetch_stage(std::shared_ptr<const Registry> registry,
                                              std::shared_ptr<SourceRuntime> runtime,
                                              OrderKeyFor order_key_for = {});

// The response body of a data route once every stage has run (minimisation may have removed
// fields from ctx.result.body since the fetch):
//   Detail:       the record
//   List/Search:  {"_embedded": {"<resource>": [...]}, "page": n, "pageSize": n,
//                  "total": n (when asked), "_links": {"self": {...}, "next": {...}, "prev":
//                  {...}}}
nlohmann::json data_response_body(const RequestContext& ctx);

// RFC 8288 `Link` header value with rel="next"/"prev" for a List; empty when neither exists.
std::string paging_link_header(const RequestContext& ctx);

}  // namespace bronpoort::sources
