#!/usr/bin/env bash
# Gas used per contract operation on a fresh local chain (not a test). Starts its own Hardhat node on a free port
# (tools/Oracle.GasBench stops it by PID, also on failure), prints progress, and as its LAST line one JSON object:
#   {"anchor_checkpoint":…, "close_session":…, "commit":…, "dispute_total_5":…, "draw_5_of_1000":…, …}
# Gas is deterministic for a given build, so the figures do not depend on machine load.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tools/Oracle.GasBench -c Release -v quiet -nologo >&2
exec timeout 900 dotnet tools/Oracle.GasBench/bin/Release/net10.0/Oracle.GasBench.dll
