#pragma once
// Factories for the individual log endpoints; make_log_endpoints() lists them with their routes.

#include <bronpoort/processing_log/processing_log.hpp>

namespace bronpoort::processing_log {

std::shared_ptr<const Endpoint> make_list_endpoint(std::shared_ptr<ProcessingLog>,
                                                   BlockingExecutor&);
std::shared_ptr<const Endpoint> make_export_endpoint(std::shared_ptr<ProcessingLog>,
                                                     BlockingExecutor&);
std::shared_ptr<const Endpoint> make_checkpoints_endpoint(std::shared_ptr<ProcessingLog>,
                                                          BlockingExecutor&);
std::shared_ptr<const Endpoint> make_verify_endpoint(std::shared_ptr<ProcessingLog>,
                                                     BlockingExecutor&);
std::shared_ptr<const Endpoint> make_processing_activities_endpoint(std::shared_ptr<ProcessingLog>,
                                                                    BlockingExecutor&);
std::shared_ptr<const Endpoint> make_my_log_endpoint(std::shared_ptr<ProcessingLog>,
                                                     BlockingExecutor&);
// The Merkle proof API (proof_endpoints.cpp).
std::vector<EndpointRoute> make_proof_endpoints(std::shared_ptr<ProcessingLog>, BlockingExecutor&);

}  // namespace bronpoort::processing_log
