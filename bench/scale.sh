#!/usr/bin/env bash
# scale.sh - the provider's gateway at scale (issue 15): one `vpngateway serve` (metering on, the exit policy enforced,
# pinned sessions) in one namespace and a synthetic client swarm in another: one process (tools/Oracle.ScaleBench)
# speaking the tunnel protocol with the gateway's own handshake and transport types for SESSIONS sessions, each with
# its own tunnel key and tunnel address.
#   1. the provider idle: its RSS and threads;
#   2. one session: RSS and threads;
#   3. SESSIONS sessions set up at once (WINDOW handshakes in flight): handshakes/s and the new sessions' handshake
#      latency, then held HOLD seconds (one UDP datagram per session every 5 s, metered by the provider's one capture):
#      sessions running, RSS, threads, capture drops; then every session rekeyed at REKEY_RATE/s: rekey latency;
#   4. throughput (GBPS_SESSIONS > 0): GBPS_SESSIONS real gateway clients (GBPS_CLIENTS) connect to the same metered
#      provider (the swarm's sessions still held); iperf3 TCP
#      (one stream per client, GBPS_DUR s) to the provider's tunnel address, first from one client (gbps_1), then from
#      all at once (gbps_n: the sum of the clients' received rates); then the same clients as wireguard-go peers of one
#      wireguard-go interface in the provider's namespace (wireguard_go_gbps_1, wireguard_go_gbps_n). Every endpoint
#      (clients, iperf3 both ends, the gateway) shares the machine's CPUs: read the figures as same-run ratios.
# Last line: JSON with sessions, handshakes_per_s, handshake_p99_ms_new, handshake_p99_ms_rekey,
# rss_kib_per_idle_session, threads_1, threads_n (and of them the .NET thread pool's workers, threads_pool_*, which the
# runtime adds under load), capture_drop_pct (targets: 1,000 sessions, p99 < 50 ms for rekeys,
# <= 64 KiB per idle session, threads_1 == threads_n, drops 0), and from phase 4 gbps_1, gbps_n, sessions_n,
# wireguard_go_gbps_1, wireguard_go_gbps_n, gbps_n_vs_1 (target >= 0.8), oracle_vs_wireguard_go_n, and gbps_100 /
# wireguard_go_gbps_100 when GBPS_SESSIONS is 100 (else null).
# The sessions are pinned, so the chain is not on the handshake path: the handshake figures with the chain RPC 500 ms
# late (on-chain sessions, Serve:Directory=chain behind a delaying proxy) are bench/rpc-delay.sh's.
#
# Usage (as root, Debian 12, from the repository root):
#   bash bench/scale.sh                          # 1,000 sessions (~2 min)
#   SESSIONS=100 HOLD=5 bash bench/scale.sh      # quick run
# Env knobs: SESSIONS (default 1000), WINDOW (handshakes in flight, default 64), HOLD (seconds, default 20),
#   REKEY_RATE (per second, default 50), GBPS_SESSIONS (real clients for phase 4, 0 skips it; default 100, at most
#   250), GBPS_CLIENTS (inprocess: GatewayClient engines in one process, the default; processes: one `vpngateway
#   connect` per namespace, ~100 MiB RSS each — 100 of them took > 3 min to start on 2 cores), GBPS_DUR (iperf3
#   seconds, default 10), OUTDIR (logs; default /tmp/scale-bench-<timestamp>), MAX_SECONDS
#   (hard cap, default 900), NO_BUILD=1 (use the Release builds already there).
#
# Safety: all traffic stays in two throwaway namespaces joined by one veth pair, addresses from 198.18.0.0/15 only
# (underlay 198.18.0.1/30 <-> 198.18.0.2/30, tunnel pool 198.19.0.0/21; phase 4: the clients' bridge 198.18.8.0/22,
# wireguard-go 198.19.16.0/22), no default route. An EXIT trap kills (by PID) only the processes this script started
# and deletes the namespaces.
set -u

MAX_SECONDS=${MAX_SECONDS:-900}
if [[ -z "${SB_INNER:-}" ]]; then
  export SB_INNER=1
  exec timeout -k 15 "$MAX_SECONDS" bash "$0" "$@"
fi

SESSIONS=${SESSIONS:-1000}
WINDOW=${WINDOW:-64}
HOLD=${HOLD:-20}
REKEY_RATE=${REKEY_RATE:-50}
GBPS_SESSIONS=${GBPS_SESSIONS:-100}
GBPS_DUR=${GBPS_DUR:-10}
GBPS_CLIENTS=${GBPS_CLIENTS:-inprocess}
(( GBPS_SESSIONS <= 250 )) || { echo "GBPS_SESSIONS is at most 250" >&2; exit 1; }
OUTDIR=${OUTDIR:-/tmp/scale-bench-$(date +%Y%m%d-%H%M%S)}
SUFFIX=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
NSA=sbench-a-$SUFFIX   # the swarm
NSB=sbench-b-$SUFFIX   # the provider
UA=198.18.0.1
UB=198.18.0.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOL=$ROOT/tools/Oracle.ScaleBench/bin/Release/net10.0/Oracle.ScaleBench.dll
KEYTOOL=$ROOT/tools/Oracle.MeteringBench/bin/Release/net10.0/Oracle.MeteringBench.dll
GATEWAY=$ROOT/src/VpnGateway/bin/Release/net10.0/vpngateway
SESSION_MANAGER=0x5FbDB2315678afecb367f032d93F642f64180aa3

[[ $(id -u) -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
for c in ip jq curl dotnet iperf3 wireguard-go wg; do command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done
umask 077
BG_STDERR=split
source "$(dirname "$0")/lib/two-namespaces.sh"
# The gateway's own PID (ip netns exec execs it, so the background PID is the gateway's).
status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
metric() { ip netns exec "$NSB" curl -s --max-time 5 "http://127.0.0.1:9591/metrics" >"$W/metrics.txt" 2>/dev/null; awk -v m="$1" 'index($1, m) == 1 && $1 !~ /^#/ { s += $2 } END { printf "%d\n", s }' "$W/metrics.txt"; }

if [[ -z ${NO_BUILD:-} || ! -f $TOOL || ! -f $KEYTOOL || ! -x $GATEWAY ]]; then
  log "building vpngateway, tools/Oracle.ScaleBench and tools/Oracle.MeteringBench (Release)"
  (cd "$ROOT" && dotnet build -c Release -nologo -v q tools/Oracle.ScaleBench >"$W/build.log" 2>&1 \
    && dotnet build -c Release -nologo -v q tools/Oracle.MeteringBench >>"$W/build.log" 2>&1) || { cat "$W/build.log" >&2; exit 1; }
fi

ip netns add "$NSA" && ip netns add "$NSB" || exit 1
ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
ip link add "sva$SUFFIX" netns "$NSA" type veth peer name "svb$SUFFIX" netns "$NSB" || exit 1
ip -n "$NSA" addr add $UA/30 dev "sva$SUFFIX"; ip -n "$NSB" addr add $UB/30 dev "svb$SUFFIX"
ip -n "$NSA" link set "sva$SUFFIX" up; ip -n "$NSB" link set "svb$SUFFIX" up

export ORACLE_KEYSTORE_PASSWORD=bench-only-password
PUBB=$("$GATEWAY" keygen --light --out "$W/b.key" | head -1) || exit 1
CLIENT_ETH=$(dotnet "$KEYTOOL" keystore --out "$W/a.eth" --index 41) || exit 1
dotnet "$KEYTOOL" keystore --out "$W/b.eth" --index 40 >/dev/null || exit 1
# The exit policy (SMB/NetBIOS/SMTP denied) with the gateway's tunnel address exported (the swarm's datagrams go there).
jq '.exports = ["198.19.0.1/32"]' "$ROOT/bench/exit-policy.json" >"$W/policy.json"
# Sessions 1..GBPS_SESSIONS: the real clients of phase 4 (keystore files); then the swarm's one, then its SESSIONS.
dotnet "$TOOL" sessions --count $((GBPS_SESSIONS + SESSIONS + 1)) --first 1 --keystores "$GBPS_SESSIONS" --policy "$W/policy.json" \
  --client "$CLIENT_ETH" --out "$W" >/dev/null || exit 1
sed -n "$((GBPS_SESSIONS + 1))p" "$W/keys.txt" >"$W/keys-1.txt"
tail -n +$((GBPS_SESSIONS + 2)) "$W/keys.txt" >"$W/keys-n.txt"

# One source address sends every session's handshakes: the per-address handshake limit is lifted for the swarm.
cat >"$W/serve.json" <<JSON
{ "Keys": { "TunnelKeystore": "$W/b.key" },
  "Serve": { "Listen": "$UB:51820", "AddressPool": "198.19.0.0/21", "InterfacePattern": "sbs%d", "MaxSessions": $((SESSIONS + GBPS_SESSIONS + 16)),
             "HandshakesPerSecond": 100000, "HandshakeBurst": 100000,
             "Exit": { "Enabled": false }, "Policies": ["$W/policy.json"] },
  "Directory": { "Sessions": $(cat "$W/sessions.json") },
  "Metrics": { "Listen": "127.0.0.1:9591" },
  "Chain": { "ChainId": 31337, "Contracts": { "SessionManager": "$SESSION_MANAGER" }, "Keystore": "$W/b.eth" },
  "Metering": { "SpoolPath": "$W/provider.db", "PricePerMiB": "1000", "VoucherGrace": "01:00:00" } }
JSON

log "provider: vpngateway serve, $SESSIONS pinned sessions, metering on"
bg_ns "$NSB" "$W/provider.log" "$GATEWAY" serve --config "$W/serve.json"; PB=$BG_PID
wait_log "$W/provider.log" "serving on" 60 || { cat "$W/provider.log" "$W/provider.log.err" >&2; exit 1; }
sleep 2
RSS_0=$(status_of "$PB" VmRSS); THREADS_0=$(status_of "$PB" Threads)
log "  idle: rss ${RSS_0} KiB, ${THREADS_0} threads"

log "one session"
bg_ns "$NSA" "$W/swarm-1.json" dotnet "$TOOL" swarm --keys "$W/keys-1.txt" --provider-key "$PUBB" --endpoint "$UB:51820" --hold 6 --rekey-rate 10
S1=$BG_PID
wait_log "$W/swarm-1.json.err" "^held" 60 || { cat "$W/swarm-1.json.err" >&2; exit 1; }
sleep 4
RSS_1=$(status_of "$PB" VmRSS); THREADS_1=$(status_of "$PB" Threads)
for t in /proc/"$PB"/task/*/comm; do cat "$t"; done | sed 's/[0-9]*$//' | sort | uniq -c | sort -rn >"$W/threads-1.txt"
log "  rss ${RSS_1} KiB, ${THREADS_1} threads"
wait "$S1"

log "$SESSIONS sessions (window $WINDOW)"
bg_ns "$NSA" "$W/swarm-n.json" dotnet "$TOOL" swarm --keys "$W/keys-n.txt" --provider-key "$PUBB" --endpoint "$UB:51820" \
  --window "$WINDOW" --hold "$HOLD" --rekey-rate "$REKEY_RATE"
SN=$BG_PID
wait_log "$W/swarm-n.json.err" "^held" 300 || { cat "$W/swarm-n.json.err" >&2; exit 1; }
log "  $(cat "$W/swarm-n.json.err")"
sleep $((HOLD * 3 / 4))
RUNNING=$(metric oracle_vpngateway_sessions)
RSS_N=$(status_of "$PB" VmRSS); THREADS_N=$(status_of "$PB" Threads)
for t in /proc/"$PB"/task/*/comm; do cat "$t"; done | sed 's/[0-9]*$//' | sort | uniq -c | sort -rn >"$W/threads-n.txt"
POOL_N=$(awk '/TP Worker/ { print $1 }' "$W/threads-n.txt"); POOL_1=$(awk '/TP Worker/ { print $1 }' "$W/threads-1.txt")
log "  held: $RUNNING sessions running, rss ${RSS_N} KiB, ${THREADS_N} threads"
wait "$SN"
SWARM=$(tail -n1 "$W/swarm-n.json")
log "  swarm: $SWARM"
RECEIVED=$(metric oracle_vpngateway_metering_capture_device_received)
DROPPED=$(metric oracle_vpngateway_metering_capture_device_dropped)
log "  capture: $RECEIVED packets received, $DROPPED dropped"

source "$(dirname "$0")/lib/scale-throughput.sh"
GBPS='{}'
if (( GBPS_SESSIONS > 0 )); then
  throughput_phase
fi

jq -cn --argjson gbps "$GBPS" --argjson swarm "$SWARM" --argjson running "${RUNNING:-0}" --argjson rss0 "$RSS_0" --argjson rss1 "$RSS_1" --argjson rssn "$RSS_N" \
  --argjson t0 "$THREADS_0" --argjson t1 "$THREADS_1" --argjson tn "$THREADS_N" --argjson p1 "${POOL_1:-0}" --argjson pn "${POOL_N:-0}" --argjson rec "${RECEIVED:-0}" --argjson drop "${DROPPED:-0}" \
  --argjson n "$SESSIONS" '{
    sessions: $running, sessions_attempted: $n, handshakes_per_s: $swarm.handshakes_per_s,
    handshake_p50_ms_new: $swarm.handshake_p50_ms_new, handshake_p99_ms_new: $swarm.handshake_p99_ms_new,
    handshake_p50_ms_rekey: $swarm.handshake_p50_ms_rekey, handshake_p99_ms_rekey: $swarm.handshake_p99_ms_rekey,
    rekey_rate_per_s: $swarm.rekey_rate_per_s, rekeyed: $swarm.rekeyed,
    rss_kib_idle: $rss0, rss_kib_1: $rss1, rss_kib_n: $rssn,
    rss_kib_per_idle_session: ((($rssn - $rss1) / ([$n, 1] | max)) * 10 | round / 10),
    threads_0: $t0, threads_1: $t1, threads_n: $tn, threads_pool_1: $p1, threads_pool_n: $pn,
    threads_dedicated_1: ($t1 - $p1), threads_dedicated_n: ($tn - $pn),
    captured_packets: $rec, capture_drop_pct: (if $rec > 0 then ($drop * 10000 / ($rec + $drop) | round) / 100 else 0 end)
  } + $gbps' | tee "$W/result.json"
