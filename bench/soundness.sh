#!/usr/bin/env bash
# Arbitration soundness (not a test): oracle nodes as real processes on a fresh Hardhat node of their own — by default
# 10 nodes of equal stake, 3 of them (30 % of the stake, less than a third) voting against the evidence — over 51
# scripted disputes judged by committees (ProviderBreachedPolicy, ProviderWithheldService and ClientBreachedPolicy from
# a collector's records, true and false) whose wronged parties appeal wrong rulings, phases of 15 s (about 10 minutes
# in all; bounded at 20). Progress on stderr;
# the LAST line is one JSON object:
#   {"disputes":…, "correct_rulings":…, "appeals":…, "dishonest_stake_lost":…, "honest_stake_gained":…,
#    "mean_seconds_to_ruling":…, "dishonest_unpunished_disputes":…, "correct_by_claim":{…}, …}
# Sizes: ORACLE_SOUNDNESS_HONEST, _DISHONEST, _DISPUTES, _CONCURRENCY, _PHASE_SECONDS, _COMMITTEE, _SEED, _TIMEOUT_MINUTES.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/OracleNode -c Release -v quiet -nologo >&2
dotnet build tools/Oracle.SoundnessBench -c Release -v quiet -nologo >&2
exec timeout 1500 dotnet tools/Oracle.SoundnessBench/bin/Release/net10.0/Oracle.SoundnessBench.dll
