#!/usr/bin/env bash
# Installs what Oracle needs on a fresh Debian 12 machine that has the .NET 10 SDK and Node.js 20:
# the Debian packages the local network, the tests and the gateway use, and the contracts' Node packages.
# Idempotent and quiet when everything is there. Used by ./oracle up and ./oracle test.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is missing: install it (https://learn.microsoft.com/dotnet/core/install/linux-debian)"
command -v node >/dev/null 2>&1 || die "Node.js 20 or later is missing: install it (Debian: apt-get install nodejs npm, or NodeSource's node_20.x)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major -ge 20 ]] || die "Node.js $node_major is too old: install Node.js 20 or later"
command -v npm >/dev/null 2>&1 || die "npm is missing: install it (Debian: apt-get install npm)"

# Debian packages: the servers of the local network (PostgreSQL, RabbitMQ), packet capture (libpcap), util-linux, and
# every program the tests run (scripts/test-programs.txt: iproute2, ping, iperf3, curl, nftables, WireGuard's tools...).
# That list names wireguard-tools (wg), wireguard-go and chromium (the dashboard's browser test) among others. No test
# runs openvpn or tcpdump (TestProgramsTests only checks that such unlisted programs are refused).
# The benchmarks install their own comparison tools (bench/tunnel.sh: wireguard-go, OpenVPN).
packages=(postgresql rabbitmq-server libpcap0.8 util-linux procps)
while read -r _ package; do
  [[ " ${packages[*]} " == *" $package "* ]] || packages+=("$package")
done < <(grep -vE '^[[:space:]]*(#|$)' scripts/test-programs.txt)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Install without starting the packages' system services: the devnet runs its own throwaway servers and must not
  # depend on (or disturb) the machine's.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  log=$(mktemp)
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    apt-get update -q >>"$log" 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || { [[ $created_policy -eq 1 ]] && rm -f "$policy"; tail -20 "$log" >&2; die "apt-get install failed (log: $log)"; }
  fi
  [[ $created_policy -eq 1 ]] && rm -f "$policy"
  rm -f "$log"
fi

# The contracts' toolchain (solc-js, OpenZeppelin, Hardhat, solhint), exactly as the lock file pins it.
if [[ ! -f contracts/node_modules/.package-lock.json || contracts/package-lock.json -nt contracts/node_modules/.package-lock.json ]]; then
  say "installing the contracts' Node packages (npm ci)"
  (cd contracts && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in contracts/"
  touch contracts/node_modules/.package-lock.json
fi
