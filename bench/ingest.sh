#!/usr/bin/env bash
# ingest.sh - evidence ingestion (issue 11's benchmark, not a test): signed, sealed evidence batches of many synthetic
# gateways (providers with open sessions on the test chain) published to RabbitMQ, consumed by an evidence collector
# process into PostgreSQL and its global log, anchored on-chain; then record proofs over HTTP; then the same-run
# baselines: the same rows copied again with PostgreSQL binary COPY alone, the same batches verified alone (no bus, no
# database), and the same batches into a second collector storing one batch per transaction (16 at once: the design
# before group commit). The chain, PostgreSQL and RabbitMQ are started for the run and stopped by PID when it ends
# (tools/Oracle.IngestBench, through tests/Oracle.Testing). Progress on stderr, with the collector's time by phase; the
# LAST line is one JSON object:
#   {"records_per_s":…, "leaves_per_s":…, "proof_p99_ms":…, "proof_server_p99_ms":… (the collector's own time, from its
#    Server-Timing header), "checkpoint_p99_ms":… (GET /checkpoint from memory between the proofs: the same-run floor of
#    a request), "anchor_gas_per_leaf":…, "copy_only_records_per_s":…, "verify_only_records_per_s":…,
#    "steady_records_per_s":…, "first_answer_ms":…, "ungrouped_records_per_s":…, "records_vs_ungrouped":…, …}
#
# Usage (from anywhere): bash bench/ingest.sh
#   ORACLE_INGEST_GATEWAYS (8), ORACLE_INGEST_SESSIONS_PER_GATEWAY (4), ORACLE_INGEST_BATCHES_PER_SESSION (20),
#   ORACLE_INGEST_RECORDS_PER_BATCH (250), ORACLE_INGEST_PROOFS (2000),
#   ORACLE_INGEST_ANCHOR_EVERY (256 leaves), ORACLE_INGEST_TIMEOUT_MINUTES (15); NO_BUILD=1 uses the Release build there.
#   The collectors inherit the environment, so a collector setting can be varied per run, for example
#   Ingestion__WatchSessions=false (sessions read from the chain at their first batch).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${NO_BUILD:-}" ]]; then
  scripts/bootstrap.sh >&2
  dotnet build tools/Oracle.IngestBench -c Release -v quiet -nologo >&2
  dotnet build src/EvidenceCollector -c Release -v quiet -nologo >&2
fi
exec timeout 1200 dotnet tools/Oracle.IngestBench/bin/Release/net10.0/Oracle.IngestBench.dll
