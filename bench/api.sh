#!/usr/bin/env bash
# Arbitration API benchmark (not a test): on a Hardhat node and a PostgreSQL cluster of its own (free ports, own
# folder; tools/Arbitration.Bench stops them and the API by PID, also on failure), runs the built API as a process on
# loopback, fills its read model with 100,000 sessions and 10,000 disputes, and measures with a .NET load generator:
#   GET /disputes/{id} and GET /sessions/{id}: 32 clients back to back (rps, p50, p99) and 1,000 requests/s open loop
#   (p50, p99 counted from each request's scheduled start); a static file as the same-run baseline;
#   then 100 signed filings with permits from distinct clients, 16 at a time, each relayed with fileFor and mined.
# Prints progress and, as its LAST line, one JSON object with disputes_rps, disputes_p50_ms, disputes_p99_ms,
# sessions_rps, sessions_p50_ms, sessions_p99_ms, their *_at_1000_rps, baseline_static_rps and filings_per_s.
# Optional argument: seconds per measured phase (default 15).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
dotnet build src/Arbitration.Api -c Release -v quiet -nologo >&2
dotnet build tools/Arbitration.Bench -c Release -v quiet -nologo >&2
exec timeout 1800 dotnet tools/Arbitration.Bench/bin/Release/net10.0/Arbitration.Bench.dll "$@"
