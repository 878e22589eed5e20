// HTTP side of the publication point. Every answer is public metadata, so it may be cached and
// read from any origin; the bodies that do not depend on the query are rendered once per model.

#include <bronpoort/catalog/catalog_views.hpp>
#include <bronpoort/catalog/endpoints.hpp>
#include <bronpoort/catalog/openapi.hpp>
#include <bronpoort/common/endpoint_kit.hpp>
#include <bronpoort/core/stage.hpp>

#include <map>
#include <regex>

namespace bronpoort::catalog {
namespace {

constexpr const char* kCacheControl = "public, max-age=60";

void public_headers(RequestContext& ctx, const char* content_type, bool negotiated) {
  auto& h = ctx.response.headers;
  h.set("Content-Type", content_type);
  h.set("Cache-Control", kCacheControl);
  h.set("Access-Control-Allow-Origin", "*");
  // A shared cache must keep the JSON and JSON-LD answers apart.
  if (negotiated) h.set("Vary", "Accept");
}

bool wants_json_ld(const RequestContext& ctx) {
  auto accept = ctx.request.headers.find("Accept");
  return accept && prefers_json_ld(*accept);
}

class DatasetListEndpoint final : public Endpoint {
 public:
  explicit DatasetListEndpoint(std::shared_ptr<const CatalogModel> model)
      : model_(std::move(model)) {}

  void handle(RequestContext& ctx, Resume done) const override {
    auto filter = parse_dataset_filter(ctx.request.query);
    if (auto* p = std::get_if<Problem>(&filter)) return common::refuse(ctx, std::move(*p), done);
    auto found = find_datasets(*model_, std::get<DatasetFilter>(filter));
    if (wants_json_ld(ctx)) {
      public_headers(ctx, "application/ld+json", true);
      ctx.response.body = dcat_catalog_jsonld(*model_, found).dump();
    } else {
      nlohmann::json list = nlohmann::json::array();
      for (const Dataset* d : found) list.push_back(dataset_summary_json(*d));
      public_headers(ctx, "application/json", true);
      ctx.response.body = nlohmann::json{{"datasets", list}}.dump();
    }
    done(Flow::Continue);
  }

 private:
  std::shared_ptr<const CatalogModel> model_;
};

class DatasetEndpoint final : public Endpoint {
 public:
  explicit DatasetEndpoint(std::shared_ptr<const CatalogModel> model) : model_(std::move(model)) {
    for (const auto& d : model_->datasets) {
      rendered_[d.id] = {dataset_detail_json(*model_, d).dump(),
                         dcat_dataset_jsonld(*model_, d).dump()};
    }
  }

  void handle(RequestContext& ctx, Resume done) const override {
    if (auto p = common::unknown_query_params(
            ctx.request, {},
            make_problem(400, "invalid-query", "This endpoint takes no query parameters."))) {
      return common::refuse(ctx, std::move(*p), done);
    }
    const std::string& id = ctx.route.params["dataset"];
    static const std::regex kebab("^[a-z0-9]+(-[a-z0-9]+)*$");
    if (id.size() > 64 || !std::regex_match(id, kebab)) {
      Problem p =
          make_problem(400, "invalid-dataset-id",
                       "Dataset ids are lower-case kebab-case words; GET /v1/datasets lists them.");
      p.invalid_params.push_back(
          {"dataset", "must match ^[a-z0-9]+(-[a-z0-9]+)*$", "invalid-value"});
      return common::refuse(ctx, std::move(p), done);
    }
    auto it = rendered_.find(id);
    if (it == rendered_.end()) {
      return common::refuse(
          ctx,
          make_problem(404, "dataset-unknown",
                       "No dataset \"" + id + "\" is registered; GET /v1/datasets lists them."),
          done);
    }
    const bool ld = wants_json_ld(ctx);
    public_headers(ctx, ld ? "application/ld+json" : "application/json", true);
    ctx.response.body = ld ? it->second.json_ld : it->second.json;
    done(Flow::Continue);
  }

 private:
  struct Rendered {
    std::string json;
    std::string json_ld;
  };
  std::shared_ptr<const CatalogModel> model_;
  std::map<std::string, Rendered, std::less<>> rendered_;
};

class OpenApiEndpoint final : public Endpoint {
 public:
  explicit OpenApiEndpoint(const CatalogModel& model) : body_(generate_openapi(model).dump()) {}

  void handle(RequestContext& ctx, Resume done) const override {
    public_headers(ctx, "application/json", false);
    ctx.response.body = body_;
    done(Flow::Continue);
  }

 private:
  std::string body_;
};

}  // namespace

std::vector<EndpointSignature> endpoint_signatures() {
  return {{"GET", "/v1/datasets"}, {"GET", "/v1/datasets/{dataset}"}, {"GET", "/v1/openapi.json"}};
}

std::vector<EndpointRoute> endpoints(std::shared_ptr<const CatalogModel> model) {
  return {
      {"GET", "/v1/datasets", AuthRequirement::None, std::make_shared<DatasetListEndpoint>(model)},
      {"GET", "/v1/datasets/{dataset}", AuthRequirement::None,
       std::make_shared<DatasetEndpoint>(model)},
      {"GET", "/v1/openapi.json", AuthRequirement::None, std::make_shared<OpenApiEndpoint>(*model)},
  };
}

}  // namespace bronpoort::catalog
