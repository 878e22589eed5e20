#include <bronpoort/sources/fetch_stage.hpp>
#include <bronpoort/sources/render_data_stage.hpp>

#include <nlohmann/json.hpp>

namespace bronpoort::sources {
namespace {

class RenderDataStage final : public SyncStage {
 public:
  const char* name() const override { return "render-data"; }
  Flow process(RequestContext& ctx) const override {
    if (!ctx.result.fetched) return Flow::Continue;
    ctx.response.body =
        data_response_body(ctx).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    ctx.response.headers.set("Content-Type", "application/json");
    if (auto link = paging_link_header(ctx); !link.empty()) {
      ctx.response.headers.set("Link", link);
    }
    return Flow::Continue;
  }
};

}  // namespace

std::shared_ptr<const Stage> make_render_data_stage() {
  return std::make_shared<RenderDataStage>();
}

}  // namespace bronpoort::sources
