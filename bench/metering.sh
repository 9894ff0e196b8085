#!/usr/bin/env bash
# metering.sh - the cost of metering (issue 5), measured in one run:
#   1. records/s through what every epoch does on the provider: encode + leaf hash + append to the session's Merkle
#      log + sign the EIP-712 checkpoint + spool durably (SQLite WAL, synchronous FULL); baseline in the same run:
#      encoding alone.
#   2. single-stream TCP throughput (iperf3) through the Oracle tunnel (vpngateway serve + connect between two
#      namespaces, exit policy enforced) with metering off, then on (both gateways capture their session's TUN with
#      libpcap, meter flows, sign checkpoints and vouchers, spool), alternating ROUNDS times;
#   3. the captures' drops (libpcap ps_drop, from both gateways' /metrics) at that full speed.
# Last line: JSON with gbps_off, gbps_on, overhead_pct, records_per_s, capture_drop_pct (targets: overhead <= 10 %,
# drops 0, >= 50,000 records/s).
#
# Usage (as root, Debian 12, from the repository root):
#   bash bench/metering.sh                                   # full run (~2 min)
#   DUR=3 ROUNDS=1 RECORDS=50000 bash bench/metering.sh      # quick smoke run
# Env knobs: DUR (iperf3 seconds per run, default 10), ROUNDS (off/on pairs, default 2), RECORDS (default 300000),
#   TUN_MTU (default 1420), OUTDIR (logs; default /tmp/metering-bench-<timestamp>), MAX_SECONDS (hard cap, default 500),
#   NO_BUILD=1 (use the Release builds already there).
#
# Safety: all traffic stays in two throwaway namespaces joined by one veth pair, addresses from 198.18.0.0/15 only
# (underlay 198.18.0.1/30 <-> 198.18.0.2/30, tunnel 198.19.4.2 <-> 198.19.4.1), no default route. An EXIT trap kills
# (by PID) only the processes this script started and deletes the namespaces.
set -u

MAX_SECONDS=${MAX_SECONDS:-500}
if [[ -z "${MB_INNER:-}" ]]; then
  export MB_INNER=1
  exec timeout -k 15 "$MAX_SECONDS" bash "$0" "$@"
fi

DUR=${DUR:-10}
ROUNDS=${ROUNDS:-2}
RECORDS=${RECORDS:-300000}
TUN_MTU=${TUN_MTU:-1420}
OUTDIR=${OUTDIR:-/tmp/metering-bench-$(date +%Y%m%d-%H%M%S)}
SUFFIX=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
NSA=mbench-a-$SUFFIX   # client
NSB=mbench-b-$SUFFIX   # provider
UA=198.18.0.1
UB=198.18.0.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOL=$ROOT/tools/Oracle.MeteringBench/bin/Release/net10.0/Oracle.MeteringBench.dll
GATEWAY=$ROOT/src/VpnGateway/bin/Release/net10.0/vpngateway
SESSION_MANAGER=0x5FbDB2315678afecb367f032d93F642f64180aa3

[[ $(id -u) -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
for c in ip iperf3 jq curl dotnet; do command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done
umask 077
source "$(dirname "$0")/lib/two-namespaces.sh"

if [[ -z ${NO_BUILD:-} || ! -f $TOOL || ! -x $GATEWAY ]]; then
  log "building vpngateway and tools/Oracle.MeteringBench (Release)"
  (cd "$ROOT" && dotnet build -c Release -nologo -v q tools/Oracle.MeteringBench >"$W/build.log" 2>&1) || { cat "$W/build.log" >&2; exit 1; }
fi

# 1. Records per second (no tunnel needed).
log "records: $RECORDS through encode + hash + sign + spool"
dotnet "$TOOL" records --records "$RECORDS" >"$W/records.log" 2>&1 || { cat "$W/records.log" >&2; exit 1; }
RECORDS_JSON=$(tail -n1 "$W/records.log")
log "  $RECORDS_JSON"

# 2. The tunnel: provider in NSB, client in NSA, iperf3 server on the provider host (its tunnel address exported).
ip netns add "$NSA" && ip netns add "$NSB" || exit 1
ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
ip link add "mva$SUFFIX" netns "$NSA" type veth peer name "mvb$SUFFIX" netns "$NSB" || exit 1
ip -n "$NSA" addr add $UA/30 dev "mva$SUFFIX"; ip -n "$NSB" addr add $UB/30 dev "mvb$SUFFIX"
ip -n "$NSA" link set "mva$SUFFIX" up; ip -n "$NSB" link set "mvb$SUFFIX" up

export ORACLE_KEYSTORE_PASSWORD=bench-only-password
PUBA=$("$GATEWAY" keygen --light --out "$W/a.key" | head -1) || exit 1
PUBB=$("$GATEWAY" keygen --light --out "$W/b.key" | head -1) || exit 1
CLIENT_ETH=$(dotnet "$TOOL" keystore --out "$W/a.eth" --index 41) || exit 1
PROVIDER_ETH=$(dotnet "$TOOL" keystore --out "$W/b.eth" --index 40) || exit 1
# The exit policy (SMB/NetBIOS/SMTP denied) with the gateway address exported: iperf3 listens on the provider host.
cp "$ROOT/bench/exit-policy.json" "$W/policy.json"

configs() { # configs on|off
  local metering_b="" metering_a="" keys_b="\"TunnelKeystore\": \"$W/b.key\"" keys_a="\"TunnelKeystore\": \"$W/a.key\""
  if [[ $1 == on ]]; then
    rm -f "$W"/provider.db* "$W"/client.db*
    metering_b=", \"Chain\": { \"ChainId\": 31337, \"Contracts\": { \"SessionManager\": \"$SESSION_MANAGER\" }, \"Keystore\": \"$W/b.eth\" },
  \"Metering\": { \"SpoolPath\": \"$W/provider.db\", \"PricePerMiB\": \"1000\" }"
    metering_a=", \"Chain\": { \"ChainId\": 31337, \"Contracts\": { \"SessionManager\": \"$SESSION_MANAGER\" }, \"Keystore\": \"$W/a.eth\" },
  \"Metering\": { \"SpoolPath\": \"$W/client.db\", \"PricePerMiB\": \"1000\", \"ProviderAddress\": \"$PROVIDER_ETH\" }"
  fi
  cat >"$W/serve.json" <<JSON
{ "Tunnel": { "Mtu": $TUN_MTU },
  "Keys": { $keys_b },
  "Serve": { "Listen": "$UB:51830", "AddressPool": "198.19.4.0/30", "InterfacePattern": "mbs%d",
             "Exit": { "Enabled": false }, "Policies": ["$W/policy.json"] },
  "Directory": { "Sessions": [ { "Id": 1, "TunnelKey": "$PUBA", "Client": "$CLIENT_ETH", "Policy": "$W/policy.json", "Address": "198.19.4.2" } ] },
  "Metrics": { "Listen": "127.0.0.1:9581" } $metering_b }
JSON
  cat >"$W/connect.json" <<JSON
{ "Tunnel": { "Mtu": $TUN_MTU },
  "Keys": { $keys_a },
  "Connect": { "ProviderKey": "$PUBB", "Endpoint": "$UB:51830", "SessionId": 1, "Routes": ["198.19.4.1/32"],
               "InterfacePattern": "mbc%d", "Listen": "$UA:51831" },
  "Metrics": { "Listen": "127.0.0.1:9582" } $metering_a }
JSON
}

PB=; PA=
up() { # up on|off
  configs "$1"
  bg_ns "$NSB" "$W/provider-$1.log" "$GATEWAY" serve --config "$W/serve.json"; PB=$BG_PID
  wait_log "$W/provider-$1.log" "serving on" 30 || { cat "$W/provider-$1.log" >&2; exit 1; }
  bg_ns "$NSA" "$W/client-$1.log" "$GATEWAY" connect --config "$W/connect.json"; PA=$BG_PID
  wait_log "$W/client-$1.log" "connected: session" 30 || { cat "$W/client-$1.log" >&2; exit 1; }
  for _ in $(seq 20); do ip netns exec "$NSA" ping -c1 -W1 -q 198.19.4.1 >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "no ping through the tunnel" >&2; exit 1
}
down() { stop_pid "$PA"; stop_pid "$PB"; }

capture_counts() { # "received dropped" summed over both gateways' /metrics
  local r=0 d=0 line
  for pair in "$NSB:9581" "$NSA:9582"; do
    ip netns exec "${pair%%:*}" curl -s --max-time 5 "http://127.0.0.1:${pair#*:}/metrics" >"$W/metrics-${pair%%:*}.txt" 2>/dev/null
    while read -r line; do
      case $line in
        *_metering_capture_received*) r=$((r + ${line##* })) ;;
        *_metering_capture_dropped*) d=$((d + ${line##* })) ;;
      esac
    done < <(grep -E '^oracle_vpngateway_metering_capture_(received|dropped)\{' "$W/metrics-${pair%%:*}.txt" | sed 's/\.0*$//' | awk '{printf "%s %d\n", $1, $2}')
  done
  echo "$r $d"
}

iperf() { # label -> Gbit/s received
  ip netns exec "$NSA" iperf3 -c 198.19.4.1 -t "$DUR" -O 1 -J >"$W/iperf3-$1.json" 2>&1 || { echo "iperf3 failed, see $W/iperf3-$1.json" >&2; exit 1; }
  jq '.end.sum_received.bits_per_second / 1e9' "$W/iperf3-$1.json"
}

OFF=(); ON=(); DROPS=0; RECEIVED=0
for round in $(seq "$ROUNDS"); do
  up off; sleep 0.5
  # the iperf3 server binds the provider's tunnel address, which exists only once the session is up
  if [[ $round -eq 1 ]]; then bg_ns "$NSB" "$W/iperf3-server.log" iperf3 -s -B 198.19.4.1; sleep 0.5; fi
  g=$(iperf "off-$round"); OFF+=("$g"); log "round $round: metering off $g Gbit/s"
  down
  up on; sleep 1
  g=$(iperf "on-$round"); ON+=("$g")
  read -r rec drop < <(capture_counts)
  RECEIVED=$((RECEIVED + rec)); DROPS=$((DROPS + drop))
  log "round $round: metering on  $g Gbit/s; capture (both gateways) received $rec, dropped $drop"
  down
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.4f", s/NR}'; }
GOFF=$(mean "${OFF[@]}"); GON=$(mean "${ON[@]}")
jq -cn --argjson off "$GOFF" --argjson on "$GON" --argjson rec "$RECORDS_JSON" --argjson drops "$DROPS" --argjson received "$RECEIVED" \
  --argjson rounds "$ROUNDS" --argjson dur "$DUR" --argjson mtu "$TUN_MTU" '{
    tunnel: "oracle", rounds: $rounds, seconds_per_run: $dur, mtu: $mtu,
    gbps_off: $off, gbps_on: $on,
    overhead_pct: ((($off - $on) / $off * 100) * 100 | round / 100),
    records_per_s: $rec.records_per_s, encode_only_per_s: $rec.encode_only_per_s,
    capture_received: $received, capture_dropped: $drops,
    capture_drop_pct: (if ($received + $drops) == 0 then 0 else (($drops / ($received + $drops) * 100) * 10000 | round / 10000) end)
  }' | tee "$W/result.json"
