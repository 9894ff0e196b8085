#!/usr/bin/env bash
# metering.sh - the cost of metering (issue 5), measured in one run:
#   1. records/s through what every epoch does on the provider: encode + leaf hash + append to the session's
#      Merkle log + sign the EIP-712 checkpoint + spool durably (SQLite WAL, synchronous FULL); baseline in the
#      same run: encoding alone.
#   2. single-stream TCP throughput (iperf3) through a TUN tunnel between two namespaces with metering off, then on
#      (libpcap capture of the TUN interface, flow table, epochs, signed checkpoints, spool), alternating ROUNDS times;
#      and the capture's drops at that full speed.
# Until the gateway's own tunnel is on main the tunnel is wireguard-go (a userspace TUN tunnel, as ours); the
# metering side is exactly the gateway's. Last line: JSON with gbps_off, gbps_on, overhead_pct, records_per_s,
# capture_drop_pct (targets: overhead <= 10 %, drops 0, >= 50,000 records/s).
#
# Usage (as root, Debian 12, from the repository root):
#   bash bench/metering.sh                 # full run (~1.5 min)
#   DUR=3 ROUNDS=1 RECORDS=50000 bash bench/metering.sh   # quick smoke run
# Env knobs: DUR (iperf3 seconds per run, default 10), ROUNDS (off/on pairs, default 2), RECORDS (default 300000),
#   TUN_MTU (default 1420), OUTDIR (logs; default /tmp/metering-bench-<timestamp>), MAX_SECONDS (hard cap, default 400).
#
# Safety: all traffic stays in two throwaway namespaces joined by one veth pair, addresses from 198.18.0.0/15 only
# (underlay 198.18.0.1/30 <-> 198.18.0.2/30, tunnel 198.19.0.1 <-> 198.19.0.2), no default route. An EXIT trap kills
# (by PID) only the processes this script started and deletes the namespaces.
set -u

MAX_SECONDS=${MAX_SECONDS:-400}
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
NSA=mbench-a-$SUFFIX
NSB=mbench-b-$SUFFIX
WGA=mwa$SUFFIX
WGB=mwb$SUFFIX
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOL=$ROOT/tools/Oracle.MeteringBench/bin/Release/net10.0/Oracle.MeteringBench.dll

[[ $(id -u) -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
for c in ip iperf3 wireguard-go wg jq dotnet; do command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done
mkdir -p "$OUTDIR"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.3
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
}
trap cleanup EXIT

echo "building tools/Oracle.MeteringBench (Release)" >&2
dotnet build -c Release --nologo -v q "$ROOT/tools/Oracle.MeteringBench" >"$OUTDIR/build.log" 2>&1 || { cat "$OUTDIR/build.log" >&2; exit 1; }

# 1. Records per second (no tunnel needed).
echo "records: $RECORDS through encode + hash + sign + spool" >&2
dotnet "$TOOL" records --records "$RECORDS" >"$OUTDIR/records.log" 2>&1 || { cat "$OUTDIR/records.log" >&2; exit 1; }
RECORDS_JSON=$(tail -n1 "$OUTDIR/records.log")
echo "  $RECORDS_JSON" >&2

# 2. The tunnel.
ip netns add "$NSA" && ip netns add "$NSB" || exit 1
ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
ip link add "mva$SUFFIX" netns "$NSA" type veth peer name "mvb$SUFFIX" netns "$NSB" || exit 1
ip -n "$NSA" addr add 198.18.0.1/30 dev "mva$SUFFIX"; ip -n "$NSB" addr add 198.18.0.2/30 dev "mvb$SUFFIX"
ip -n "$NSA" link set "mva$SUFFIX" up; ip -n "$NSB" link set "mvb$SUFFIX" up
umask 077
wg genkey >"$OUTDIR/a.key"; wg genkey >"$OUTDIR/b.key"
PUBA=$(wg pubkey <"$OUTDIR/a.key"); PUBB=$(wg pubkey <"$OUTDIR/b.key")
up() { # ns ifname key peerpub peerunderlay addr peeraddr
  ip netns exec "$1" wireguard-go -f "$2" >"$OUTDIR/$2.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do ip -n "$1" link show "$2" >/dev/null 2>&1 && break; sleep 0.05; done
  ip netns exec "$1" wg set "$2" listen-port 51820 private-key "$3" peer "$4" allowed-ips "$7/32" endpoint "$5:51820" || exit 1
  ip -n "$1" addr add "$6/32" peer "$7/32" dev "$2"
  ip -n "$1" link set "$2" mtu "$TUN_MTU" up
}
up "$NSA" "$WGA" "$OUTDIR/a.key" "$PUBB" 198.18.0.2 198.19.0.1 198.19.0.2
up "$NSB" "$WGB" "$OUTDIR/b.key" "$PUBA" 198.18.0.1 198.19.0.2 198.19.0.1
ip netns exec "$NSA" ping -c 3 -W 5 198.19.0.2 >/dev/null || { echo "tunnel does not pass traffic" >&2; exit 1; }
ip netns exec "$NSB" iperf3 -s -B 198.19.0.2 >"$OUTDIR/iperf3-server.log" 2>&1 &
PIDS+=($!)
sleep 0.5

iperf() { # label -> prints Gbit/s received
  ip netns exec "$NSA" iperf3 -c 198.19.0.2 -t "$DUR" -O 1 -J >"$OUTDIR/iperf3-$1.json" 2>&1 || { echo "iperf3 failed, see $OUTDIR/iperf3-$1.json" >&2; exit 1; }
  jq '.end.sum_received.bits_per_second / 1e9' "$OUTDIR/iperf3-$1.json"
}

OFF=(); ON=(); DROPS=0; RECEIVED=0
for round in $(seq "$ROUNDS"); do
  g=$(iperf "off-$round"); OFF+=("$g"); echo "round $round: metering off $g Gbit/s" >&2
  ip netns exec "$NSA" dotnet "$TOOL" capture --interface "$WGA" --client 198.19.0.1/32 --seconds $((DUR + 60)) >"$OUTDIR/capture-$round.log" 2>&1 &
  CAP=$!; PIDS+=($CAP)
  for _ in $(seq 200); do grep -q '^capturing' "$OUTDIR/capture-$round.log" && break; sleep 0.05; done
  grep -q '^capturing' "$OUTDIR/capture-$round.log" || { cat "$OUTDIR/capture-$round.log" >&2; exit 1; }
  g=$(iperf "on-$round"); ON+=("$g")
  kill -TERM "$CAP"; wait "$CAP"
  CAPJSON=$(tail -n1 "$OUTDIR/capture-$round.log")
  DROPS=$((DROPS + $(jq '.capture_dropped' <<<"$CAPJSON"))); RECEIVED=$((RECEIVED + $(jq '.capture_received' <<<"$CAPJSON")))
  echo "round $round: metering on  $g Gbit/s; capture $CAPJSON" >&2
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.4f", s/NR}'; }
GOFF=$(mean "${OFF[@]}"); GON=$(mean "${ON[@]}")
jq -cn --argjson off "$GOFF" --argjson on "$GON" --argjson rec "$RECORDS_JSON" --argjson drops "$DROPS" --argjson received "$RECEIVED" \
  --arg tunnel wireguard-go --argjson rounds "$ROUNDS" --argjson dur "$DUR" '{
    tunnel: $tunnel, rounds: $rounds, seconds_per_run: $dur,
    gbps_off: $off, gbps_on: $on,
    overhead_pct: ((($off - $on) / $off * 100) * 100 | round / 100),
    records_per_s: $rec.records_per_s, encode_only_per_s: $rec.encode_only_per_s,
    capture_received: $received, capture_dropped: $drops,
    capture_drop_pct: (if ($received + $drops) == 0 then 0 else (($drops / ($received + $drops) * 100) * 10000 | round / 10000) end)
  }' | tee "$OUTDIR/result.json"
