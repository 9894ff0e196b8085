#!/usr/bin/env bash
# signatures.sh - secp256k1 signature recovery on one core (issue 11's benchmark note): Nethereum's managed recovery
# (the baseline, measured in the same run) against Oracle.Core's TypedDataSigner.RecoverDigest (native libsecp256k1,
# Secp256k1.Net), and a whole EIP-712 voucher check. Every signature of the network is checked this way (gateway,
# collector, oracle). Last line: JSON with nethereum_recover_per_s, native_recover_per_s, voucher_verify_per_s and the
# speed-ups.
#
# Usage (from the repository root): bash bench/signatures.sh [seconds per measurement, default 3]
#   NO_BUILD=1 uses the Release build already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${NO_BUILD:-}" ]]; then
  dotnet build tools/Oracle.SignatureBench -c Release -v q -nologo >/dev/null
fi
exec dotnet tools/Oracle.SignatureBench/bin/Release/net10.0/Oracle.SignatureBench.dll "${1:-3}"
