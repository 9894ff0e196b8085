#!/usr/bin/env bash
# Arbitration soundness (not a test): oracle nodes as real processes on a fresh Hardhat node of their own — by default
# 10 nodes of equal stake, 3 of them (30 % of the stake, less than a third) voting against the evidence — over at least
# 50 scripted disputes of mixed true and false claims whose wronged parties appeal wrong rulings. Progress on stderr;
# the LAST line is one JSON object:
#   {"disputes":…, "correct_rulings":…, "appeals":…, "dishonest_stake_lost":…, "honest_stake_gained":…,
#    "mean_seconds_to_ruling":…, …}
# Sizes: ORACLE_SOUNDNESS_HONEST, _DISHONEST, _DISPUTES, _CONCURRENCY, _PHASE_SECONDS, _COMMITTEE, _SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/OracleNode -c Release -v quiet -nologo >&2
dotnet build tools/Oracle.SoundnessBench -c Release -v quiet -nologo >&2
exec timeout 3000 dotnet tools/Oracle.SoundnessBench/bin/Release/net10.0/Oracle.SoundnessBench.dll
