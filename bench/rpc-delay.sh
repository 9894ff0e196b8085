#!/usr/bin/env bash
# rpc-delay.sh - handshakes while the chain RPC answers late (issue 15's handshake_p99_ms with a slow node): one
# `vpngateway serve` with the chain directory (`Serve:Directory=chain`) whose node is reached through a TCP proxy that
# holds every request RPC_DELAY_MS before it goes on, and the synthetic client swarm of bench/scale.sh authorising
# each session with its client's Ethereum key (TunnelAuthorization, EIP-712) as a real client does.
#   1. tools/Oracle.ScaleBench `chain` (in the provider's namespace): a Hardhat node of its own, the network deployed,
#      the provider registered with the gateway's tunnel key, SESSIONS sessions opened by as many client accounts, the
#      delaying proxy on 127.0.0.1 in front of the node (the delay is on from the gateway's start to the end);
#   2. the provider: `vpngateway serve`, chain directory, Chain:RpcUrl = the proxy (no metering: the handshake path only);
#   3. the swarm (other namespace): every session's first handshake, WINDOW in flight (NEW sessions: their terms are
#      not known yet, so each waits for its lookup through the slow node), held HOLD seconds (past the 30 s after
#      which a running session's terms are refreshed in the background), then every session rekeyed at REKEY_RATE/s
#      (KNOWN sessions: answered from the directory cache, never waiting on the node);
#   4. the same-run baseline: the proxy stops delaying (SIGHUP to the chain tool) and every session is rekeyed again.
# Last line: JSON with rpc_delay_ms, sessions, held and new_lost (new sessions not answered within ATTEMPTS
# initiations, as a client with that many attempts would give up; the gateway may still start them), handshake_p50/p99_ms_new, handshake_p50/p99_ms_rekey (target
# p99 < 50 ms), rekeyed, handshakes_per_s (new), handshake_p50/p99_ms_rekey_nodelay and rekey_p99_vs_nodelay (the
# baseline of step 4 and the ratio to it), and the provider's directory_lookups, directory_lookup_failures
# (its metrics: proof the node was asked, and how often it failed).
#
# Usage (as root, Debian 12, from the repository root):
#   bash bench/rpc-delay.sh                              # 100 sessions, 500 ms (~3 min)
#   SESSIONS=20 HOLD=35 bash bench/rpc-delay.sh          # quick run
# Env knobs: SESSIONS (default 100), RPC_DELAY_MS (default 500), WINDOW (handshakes in flight, default 64), HOLD
#   (seconds, default 40), REKEY_RATE (per second, default 50), ATTEMPTS (initiations per new session, 5 s apart,
#   before the swarm counts it lost: default 3, as a client's Connect:ConnectAttempts; more to see the whole wait), OUTDIR (logs; default /tmp/rpc-delay-<timestamp>),
#   MAX_SECONDS (hard cap, default 900), NO_BUILD=1 (use the Release builds already there).
#
# Safety: all traffic stays in two throwaway namespaces joined by one veth pair, addresses from 198.18.0.0/15 only
# (underlay 198.18.0.1/30 <-> 198.18.0.2/30, tunnel pool 198.19.0.0/21); the node and the proxy listen on the
# provider namespace's loopback. An EXIT trap (bench/lib/two-namespaces.sh) stops (by PID) only the processes this
# script started and deletes the namespaces; the chain tool stops its Hardhat node by PID when it is stopped.
set -u

MAX_SECONDS=${MAX_SECONDS:-900}
if [[ -z "${RD_INNER:-}" ]]; then
  export RD_INNER=1
  exec timeout -k 20 "$MAX_SECONDS" bash "$0" "$@"
fi

SESSIONS=${SESSIONS:-100}
RPC_DELAY_MS=${RPC_DELAY_MS:-500}
WINDOW=${WINDOW:-64}
HOLD=${HOLD:-40}
REKEY_RATE=${REKEY_RATE:-50}
ATTEMPTS=${ATTEMPTS:-3}
OUTDIR=${OUTDIR:-/tmp/rpc-delay-$(date +%Y%m%d-%H%M%S)}
SUFFIX=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
NSA=rdelay-a-$SUFFIX   # the swarm
NSB=rdelay-b-$SUFFIX   # the provider, the chain and its proxy
UA=198.18.0.1
UB=198.18.0.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOL=$ROOT/tools/Oracle.ScaleBench/bin/Release/net10.0/Oracle.ScaleBench.dll
GATEWAY=$ROOT/src/VpnGateway/bin/Release/net10.0/vpngateway

[[ $(id -u) -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
for c in ip jq curl dotnet; do command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done
umask 077
BG_STDERR=split
source "$(dirname "$0")/lib/two-namespaces.sh"
metric() { ip netns exec "$NSB" curl -s --max-time 5 "http://127.0.0.1:9592/metrics" >"$W/metrics.txt" 2>/dev/null; awk -v m="$1" 'index($1, m) == 1 && $1 !~ /^#/ { s += $2 } END { printf "%d\n", s }' "$W/metrics.txt"; }

if [[ -z ${NO_BUILD:-} || ! -f $TOOL || ! -x $GATEWAY ]]; then
  log "building vpngateway and tools/Oracle.ScaleBench (Release)"
  (cd "$ROOT" && scripts/bootstrap.sh >"$W/build.log" 2>&1 && dotnet build -c Release -nologo -v q tools/Oracle.ScaleBench >>"$W/build.log" 2>&1) \
    || { cat "$W/build.log" >&2; exit 1; }
fi

ip netns add "$NSA" && ip netns add "$NSB" || exit 1
ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
ip link add "rda$SUFFIX" netns "$NSA" type veth peer name "rdb$SUFFIX" netns "$NSB" || exit 1
ip -n "$NSA" addr add $UA/30 dev "rda$SUFFIX"; ip -n "$NSB" addr add $UB/30 dev "rdb$SUFFIX"
ip -n "$NSA" link set "rda$SUFFIX" up; ip -n "$NSB" link set "rdb$SUFFIX" up

export ORACLE_KEYSTORE_PASSWORD=bench-only-password
PUBB=$("$GATEWAY" keygen --light --out "$W/b.key" | head -1) || exit 1

log "chain: Hardhat node, network, provider, $SESSIONS sessions, proxy delaying every request ${RPC_DELAY_MS} ms"
bg_ns "$NSB" "$W/chain.json" dotnet "$TOOL" chain --provider-key "$PUBB" --endpoint "$UB:51820" --out "$W/chain" \
  --count "$SESSIONS" --delay-ms "$RPC_DELAY_MS"
PC=$BG_PID
wait_log "$W/chain.json.err" "^ready" 600 || { cat "$W/chain.json.err" >&2; exit 1; }
CHAIN=$(tail -n1 "$W/chain.json")
log "  $CHAIN"
RPC_URL=$(jq -r .rpc_url <<<"$CHAIN"); CHAIN_ID=$(jq -r .chain_id <<<"$CHAIN"); SM=$(jq -r .session_manager <<<"$CHAIN")

# One source address sends every session's handshakes: the per-address handshake limit is lifted for the swarm.
cat >"$W/serve.json" <<JSON
{ "Keys": { "TunnelKeystore": "$W/b.key" },
  "Chain": { "RpcUrl": "$RPC_URL", "Manifest": "$W/chain/network.json", "Keystore": "$W/chain/provider.eth" },
  "Serve": { "Listen": "$UB:51820", "Directory": "chain", "AddressPool": "198.19.0.0/21", "InterfacePattern": "rds%d",
             "MaxSessions": $((SESSIONS + 16)), "HandshakesPerSecond": 100000, "HandshakeBurst": 100000,
             "Exit": { "Enabled": false }, "Policies": ["$W/chain/policy.json"] },
  "Metrics": { "Listen": "127.0.0.1:9592" } }
JSON

log "provider: vpngateway serve, chain directory through the proxy"
bg_ns "$NSB" "$W/provider.log" "$GATEWAY" serve --config "$W/serve.json"; PB=$BG_PID
wait_log "$W/provider.log" "serving on" 120 || { cat "$W/provider.log" "$W/provider.log.err" >&2; exit 1; }
sleep 2

log "swarm: $SESSIONS new sessions (window $WINDOW), held ${HOLD} s, rekeyed at $REKEY_RATE/s"
bg_ns "$NSA" "$W/swarm.json" dotnet "$TOOL" swarm --keys "$W/chain/keys.txt" --provider-key "$PUBB" --endpoint "$UB:51820" \
  --chain-id "$CHAIN_ID" --session-manager "$SM" --window "$WINDOW" --hold "$HOLD" --rekey-rate "$REKEY_RATE" \
  --rekey-rounds 2 --round-gap 5 --attempts "$ATTEMPTS"
SW=$BG_PID
wait_log "$W/swarm.json.err" "^rekeyed 1" $((HOLD + 300)) || { cat "$W/swarm.json.err" >&2; exit 1; }
kill -HUP "$PC"   # the baseline: the proxy stops delaying before the second rekey round
log "  rekey round 1 done (delayed); proxy delay off for round 2 (the same-run baseline)"
wait "$SW"
SWARM=$(tail -n1 "$W/swarm.json")
log "  swarm: $SWARM"
[[ $SWARM == \{* ]] || { cat "$W/swarm.json.err" "$W/provider.log.err" >&2; exit 1; }
RUNNING=$(metric oracle_vpngateway_sessions)
LOOKUPS=$(metric oracle_vpngateway_directory_lookups_total)
[[ $LOOKUPS == 0 ]] && LOOKUPS=$(metric oracle_vpngateway_directory_lookups)
FAILURES=$(metric oracle_vpngateway_directory_lookup_failures)
log "  provider: $RUNNING sessions running, $LOOKUPS directory lookups, $FAILURES failed"
stop_pid "$PB"
stop_pid "$PC"
log "  $(tail -n1 "$W/chain.json.err")"

jq -cn --argjson swarm "$SWARM" --argjson running "${RUNNING:-0}" --argjson lookups "${LOOKUPS:-0}" --argjson failures "${FAILURES:-0}" \
  --argjson delay "$RPC_DELAY_MS" --argjson n "$SESSIONS" --argjson hold "$HOLD" --argjson attempts "$ATTEMPTS" '{
    rpc_delay_ms: $delay, sessions: $n, held: $swarm.held, new_lost: $swarm.refused_or_lost, attempts: $attempts,
    sessions_running: $running, hold_s: $hold,
    handshakes_per_s: $swarm.handshakes_per_s,
    handshake_p50_ms_new: $swarm.handshake_p50_ms_new, handshake_p99_ms_new: $swarm.handshake_p99_ms_new,
    rekeyed: $swarm.rekeyed, rekey_rate_per_s: $swarm.rekey_rate_per_s,
    handshake_p50_ms_rekey: $swarm.handshake_p50_ms_rekey, handshake_p99_ms_rekey: $swarm.handshake_p99_ms_rekey,
    rekeyed_nodelay: $swarm.rekeyed_last,
    handshake_p50_ms_rekey_nodelay: $swarm.handshake_p50_ms_rekey_last, handshake_p99_ms_rekey_nodelay: $swarm.handshake_p99_ms_rekey_last,
    rekey_p99_vs_nodelay: (if ($swarm.handshake_p99_ms_rekey_last // 0) > 0 then ($swarm.handshake_p99_ms_rekey * 100 / $swarm.handshake_p99_ms_rekey_last | round) / 100 else null end),
    directory_lookups: $lookups, directory_lookup_failures: $failures
  }' | tee "$W/result.json"
