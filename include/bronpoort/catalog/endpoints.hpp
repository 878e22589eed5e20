#pragma once
// The publication point's endpoints, for the router. All public (metadata is public; data is not):
//   GET /v1/datasets            catalog; ?category=&organisation=&q=; DCAT-AP JSON-LD on
//                               Accept: application/ld+json
//   GET /v1/datasets/{dataset}  one dataset with fields, relations, purposes, how to get access
//   GET /v1/openapi.json        the generated OpenAPI 3.0.3 document, CORS open to any origin
// Answers are computed once per model (that is, per config load) and served from memory.

#include <bronpoort/catalog/catalog_model.hpp>
#include <bronpoort/core/route.hpp>

#include <memory>
#include <vector>

namespace bronpoort::catalog {

// The routes `endpoints` registers, so the composition root can put them in
// CatalogModel::endpoints before the model is built.
std::vector<EndpointSignature> endpoint_signatures();

// `model` must already list every endpoint the router serves (CatalogModel::endpoints),
// including endpoint_signatures(), so the OpenAPI document describes exactly those.
std::vector<EndpointRoute> endpoints(std::shared_ptr<const CatalogModel> model);

}  // namespace bronpoort::catalog
