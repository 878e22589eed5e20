#!/usr/bin/env python3
"""Splits a gateway CPU profile by pipeline stage, for the budget table in docs/performance.md.

    perf record -F 499 --call-graph dwarf,32768 -o gw.data -p <gateway pid> -- sleep 4
    tests/bench/cpu_by_stage.py gw.data <req/s> <cores>

<req/s> and <cores> come from a run without perf (its own overhead inflates the CPU); the script
prints each stage's share of the samples and its microseconds of CPU per request. A sample counts
for the innermost frame of its call chain that matches a stage below; the rest is "other"."""
import collections
import re
import subprocess
import sys
data = sys.argv[1]
out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,tid,ip,sym"], capture_output=True, text=True).stdout
# Threads that do one stage's work only, whatever their frames say.
thread_stages = {"log-indexer": "log index (indexer thread)", "log-checkpoint": "log commit (WAL checkpoint thread)"}
rules = [
 (r"log_access|access_line", "access log line"),
 (r"processing_log::records_for_request|GroupCommitWriter::append|make_storable|CanonicalTemplate::CanonicalTemplate|Pseudonymiser", "log record (build, queue)"),
 (r"checkpoint_loop|sqlite3WalCheckpoint", "log commit (WAL checkpoint thread)"),
 (r"GroupCommitWriter::Impl::writer_loop|SqliteStore|sqlite3|ChainTree|ChainLinker|JournalIndexer::append|journal::", "log commit (writer thread)"),
 (r"completion_loop|deadline_loop|LogStage::finish|format_receipt", "log completion and deadlines"),
 (r"AuthenticateStage|authenticate::", "authenticate"),
 (r"AccessStage|access::decide|access::\(anonymous namespace\)::Access|PolicySnapshot", "access decision"),
 (r"MinimiseStage|minimise_record", "minimise"),
 (r"ValidateStage|validate::|schema::|record_fits|is_valid", "validate (schema)"),
 (r"outcome_from_upstream", "fetch: upstream answer (JSON parse)"),
 (r"upstream_request_for", "fetch: upstream request (build)"),
 (r"Exchange::|http_upstream|Upstream::", "fetch: upstream HTTP exchange"),
 (r"render_response|data_response_body|RenderDataStage|paging_link", "render"),
 (r"write_response|write_op|async_write|on_write", "respond (write)"),
 (r"dispatch_request|on_header|on_body|read_header|do_read|on_first_bytes|read_some_op|basic_parser|make_trace_context", "parse request (read, headers, trace)"),
 (r"RouteStage|route_|Router|resolve_data_route|PortalRouteStage|OrganisationLimit|UnauthenticatedRate", "route, limits"),
]
rules = [(re.compile(p), s) for p, s in rules]
counts = collections.Counter(); total = 0
sample = []
def flush():
    global total
    if not sample: return
    total += 1
    comm = sample[0].split()[0] if sample[0].split() else ""
    if comm in thread_stages:
        counts[thread_stages[comm]] += 1
        return
    for sym in sample[1:]:
        for rx, stage in rules:
            if rx.search(sym):
                counts[stage] += 1
                return
    counts["other (scheduling, malloc, kernel, asio)"] += 1
for line in out.splitlines():
    if not line.strip():
        flush(); sample = []; continue
    if not line.startswith("\t") and not line.startswith(" " * 8):
        flush(); sample = [line]; continue
    parts = line.strip().split(None, 1)
    sample.append(parts[1] if len(parts) > 1 else "")
flush()
rate = float(sys.argv[2]); cores = float(sys.argv[3])
us_per_req = cores * 1e6 / rate
print(f"{total} samples; {cores:.2f} cores at {rate:.0f} req/s = {us_per_req:.0f} µs of CPU per request")
print("| stage | share | µs per request |")
print("|---|---:|---:|")
for stage, n in counts.most_common():
    print(f"| {stage} | {100*n/total:.1f} % | {us_per_req*n/total:.0f} |")
