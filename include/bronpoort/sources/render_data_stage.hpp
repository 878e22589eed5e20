#pragma once
// The render-data stage: turns a data route's result, once access, validation and minimisation
// have shaped it, into the response body (the record, or the page with its links) and the RFC 8288
// `Link` header. Endpoint routes and refusals pass through untouched.

#include <bronpoort/core/stage.hpp>

#include <memory>

namespace bronpoort::sources {

std::shared_ptr<const Stage> make_render_data_stage();

}  // namespace bronpoort::sources
