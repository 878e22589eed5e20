#include <bronpoort/core/stage.hpp>

namespace bronpoort {
namespace {

class FunctionEndpoint final : public Endpoint {
 public:
  explicit FunctionEndpoint(EndpointHandler h) : handler_(std::move(h)) {}
  void handle(RequestContext& ctx, Resume done) const override { handler_(ctx, std::move(done)); }

 private:
  EndpointHandler handler_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_endpoint(EndpointHandler handler) {
  return std::make_shared<FunctionEndpoint>(std::move(handler));
}

}  // namespace bronpoort
