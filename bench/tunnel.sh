#!/usr/bin/env bash
# bench/tunnel.sh - throughput of the Oracle tunnel (vpngateway serve/connect, policy enforcement on) against the
# anchors direct veth, wireguard-go and OpenVPN, measured with iperf3 in ONE run between the SAME two network
# namespaces (the anchors are set up exactly as ../shared/bench/tunnel_anchors.sh does).
#
# Usage (as root):  bash bench/tunnel.sh
#   DUR=10 (TCP seconds)  UDP_DUR=3  TUNNELS="veth wg ovpn oracle"  TUN_MTU=1420  ORACLE_OFFLOADS=true
#   ORACLE_CIPHER=aes-256-gcm|chacha20-poly1305  MAX_SECONDS=420  OUTDIR=/tmp/gwbench-<time>  NO_BUILD=1
# Last line of stdout: one JSON object with direct_gbps, wireguard_go_gbps, openvpn_gbps, oracle_gbps,
# oracle_gbps_p4, oracle_vs_wireguard_go (1 stream) and the daemons' CPU (% of one core) per Gbit/s.
#
# Safety: traffic stays inside two namespaces created here (random names), addresses from 198.18.0.0/15 only, no
# default route. An EXIT trap stops (by PID) only the processes this script started and deletes the namespaces.
set -u

MAX_SECONDS=${MAX_SECONDS:-420}
if [[ -z "${GWB_INNER:-}" ]]; then
  export GWB_INNER=1
  exec timeout -k 15 "$MAX_SECONDS" bash "$0" "$@"
fi

REPO=$(cd "$(dirname "$0")/.." && pwd)
DUR=${DUR:-10}
UDP_DUR=${UDP_DUR:-3}
UDP_LEN=${UDP_LEN:-64}
TUN_MTU=${TUN_MTU:-1420}
OVPN_CIPHER=${OVPN_CIPHER:-AES-256-GCM}
ORACLE_CIPHER=${ORACLE_CIPHER:-aes-256-gcm}
ORACLE_OFFLOADS=${ORACLE_OFFLOADS:-true}
TUNNELS=${TUNNELS:-"veth wg ovpn oracle"}
OUTDIR=${OUTDIR:-/tmp/gwbench-$(date +%Y%m%d-%H%M%S)}
SUFFIX=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
NSA=gwb-a-$SUFFIX
NSB=gwb-b-$SUFFIX
UA=198.18.0.1
UB=198.18.0.2
IPERF_PORT=5201

[[ $(id -u) -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
umask 077
mkdir -p "$OUTDIR"
W=$OUTDIR
PIDS=()
export PATH=$PATH:/usr/sbin:/sbin

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p st alive
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 1 20); do
    alive=0
    for p in "${PIDS[@]}"; do
      st=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
      [[ -n $st && $st != Z ]] && alive=1
    done
    [[ $alive -eq 0 ]] && break
    sleep 0.3
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  log "cleaned up (namespaces deleted, ${#PIDS[@]} started processes stopped); logs in $OUTDIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the anchors' tools, installed from Debian when missing (as ../shared/bench/tunnel_anchors.sh does)
missing=()
for pair in iperf3:iperf3 wireguard-go:wireguard-go wg:wireguard-tools openvpn:openvpn jq:jq ip:iproute2 \
            openssl:openssl curl:curl ping:iputils-ping dotnet:; do
  command -v "${pair%%:*}" >/dev/null 2>&1 && continue
  [[ -z ${pair#*:} ]] && { echo "missing ${pair%%:*} (the .NET 10 SDK builds and runs vpngateway)" >&2; exit 1; }
  missing+=("${pair#*:}")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >"$W/apt.log" 2>&1 ||
    { apt-get update >>"$W/apt.log" 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >>"$W/apt.log" 2>&1; } ||
    { log "apt-get install failed, see $W/apt.log"; exit 1; }
fi

# ---------------------------------------------------------------- helpers
ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# start a long-running process inside a namespace, remember its PID
# (ip netns exec execs the command, so $! is the daemon itself)
# (sets BG_PID; not to be called inside $(...), so the daemon stays our child)
BG_PID=
bg_ns() { local n=$1 logf=$2; shift 2; ip netns exec "$n" "$@" >"$logf" 2>&1 </dev/null & BG_PID=$!; PIDS+=("$BG_PID"); }

proc_ticks() {  # utime+stime (clock ticks, all threads) of the given PIDs
  local t=0 p v
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    v=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12+$13}')
    t=$((t + v))
  done
  echo $t
}
# underlay sanity counters in tb-b: "UDP InDatagrams, TCP InSegs" (per-namespace /proc/net/snmp)
snmp_b() { ip netns exec "$NSB" awk '/^Udp: [0-9]/{u=$2} /^Tcp: [0-9]/{t=$11} END{print u, t}' /proc/net/snmp; }
sys_ticks() { awk '/^cpu /{idle=$5+$6; tot=0; for(i=2;i<=NF;i++) tot+=$i; print tot, idle}' /proc/stat; }

wait_ping() {  # wait_ping ns addr timeout_s
  local n=$1 a=$2 t=$3 i
  for ((i = 0; i < t * 2; i++)); do
    ns "$n" ping -c1 -W1 -q "$a" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

wait_log() {  # wait_log file pattern timeout_s
  local f=$1 pat=$2 t=$3 i
  for ((i = 0; i < t * 5; i++)); do
    grep -q "$pat" "$f" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# iperf3 client in tb-a, run in the background and waited for, so that a
# TERM/INT reaches our trap at once (bash defers traps during foreground jobs).
client() {  # client outfile max_seconds iperf3-args...
  local out=$1 lim=$2; shift 2
  timeout --foreground "$lim" ip netns exec "$NSA" iperf3 "$@" >"$out" 2>"$out.err" </dev/null &
  local cp=$!
  PIDS+=("$cp")
  wait "$cp"
}

declare -A R  # results: R[name.key]=value
ORDER=()

# run_iperf name server_addr daemon_pids...
run_iperf() {
  local name=$1 dst=$2; shift 2
  local dpids=("$@") j t0 t1 s0 s1 sysb n0 n1
  ORDER+=("$name")
  # --- TCP single stream (daemon + system CPU sampled around it)
  j=$W/$name.tcp1.json
  t0=$(proc_ticks "${dpids[@]}"); s0=$(sys_ticks); n0=$(snmp_b)
  client "$j" $((DUR + 20)) -c "$dst" -p $IPERF_PORT -t "$DUR" -O 1 -J
  t1=$(proc_ticks "${dpids[@]}"); s1=$(sys_ticks); n1=$(snmp_b)
  R[$name.underlay]=$(awk -v a="$n0" -v b="$n1" 'BEGIN{split(a,x," "); split(b,y," "); printf "udp_in=%d tcp_in=%d", y[1]-x[1], y[2]-x[2]}')
  log "$name: tb-b counters during 1-stream TCP (tunnel UDP datagrams vs TCP segments): ${R[$name.underlay]}"
  R[$name.tcp1]=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9 | .*1000|round/1000' "$j" 2>/dev/null || echo 0)
  R[$name.tcp1_retr]=$(jq -r '.end.sum_sent.retransmits // "-"' "$j" 2>/dev/null || echo -)
  local hz; hz=$(getconf CLK_TCK)
  # DUR+1 seconds of traffic (-O 1 omits the first second from the rate, not from CPU)
  R[$name.cpu]=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v d="$((DUR + 1))" 'BEGIN{printf "%.0f", (b-a)/hz/d*100}')
  sysb=$(awk -v s0="$s0" -v s1="$s1" 'BEGIN{split(s0,a," "); split(s1,b," "); tot=b[1]-a[1]; idle=b[2]-a[2]; if(tot>0) printf "%.0f", (tot-idle)/tot*100; else print 0}')
  R[$name.sys]=$sysb
  # --- TCP 4 streams
  j=$W/$name.tcp4.json
  client "$j" $((DUR + 20)) -c "$dst" -p $IPERF_PORT -t "$DUR" -O 1 -P 4 -J
  R[$name.tcp4]=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9 | .*1000|round/1000' "$j" 2>/dev/null || echo 0)
  # --- UDP small packets, unlimited offered rate (-b 0): delivered pps
  j=$W/$name.udp.json
  client "$j" $((UDP_DUR + 20)) -c "$dst" -p $IPERF_PORT -u -b 0 -l "$UDP_LEN" -t "$UDP_DUR" -J
  R[$name.udp_tx_kpps]=$(jq -r '(.end.sum_sent.packets // 0) / (.end.sum_sent.seconds // 1) / 1000 | round' "$j" 2>/dev/null || echo 0)
  R[$name.udp_rx_kpps]=$(jq -r '((.end.sum_received.packets // 0) - (.end.sum_received.lost_packets // 0)) / (.end.sum_received.seconds // 1) / 1000 | round' "$j" 2>/dev/null || echo 0)
  R[$name.udp_rx_gbps]=$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9 | .*10000|round/10000' "$j" 2>/dev/null || echo 0)
  R[$name.udp_loss]=$(jq -r '(.end.sum_received.lost_percent // 100) | .*10|round/10' "$j" 2>/dev/null || echo 100)
  log "$name: tcp1=${R[$name.tcp1]} Gbit/s tcp4=${R[$name.tcp4]} Gbit/s udp${UDP_LEN}: rx ${R[$name.udp_rx_kpps]} kpps (tx ${R[$name.udp_tx_kpps]} kpps, loss ${R[$name.udp_loss]}%) daemonCPU=${R[$name.cpu]}% sys=${R[$name.sys]}%"
}

failed() { ORDER+=("$1"); R[$1.fail]=$2; log "$1 FAILED: $2"; }

# ---------------------------------------------------------------- topology
ip netns add "$NSA"; ip netns add "$NSB"
ip link add gwb-va netns "$NSA" type veth peer name gwb-vb netns "$NSB"
ip -n "$NSA" addr add $UA/30 dev gwb-va
ip -n "$NSB" addr add $UB/30 dev gwb-vb
for n in "$NSA" "$NSB"; do ip -n "$n" link set lo up; done
ip -n "$NSA" link set gwb-va up
ip -n "$NSB" link set gwb-vb up

{
  echo "# bench/tunnel.sh $(date -Is)"
  echo "# kernel $(uname -r), cpus $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "# iperf3 $(iperf3 --version | head -1 | awk '{print $2}'), wireguard-go $(wireguard-go --version 2>/dev/null | awk '/wireguard-go/{print $2}'), $(openvpn --version | head -1 | awk '{print $1, $2}'), dotnet $(dotnet --version)"
  echo "# DUR=${DUR}s UDP_DUR=${UDP_DUR}s UDP_LEN=${UDP_LEN} TUN_MTU=${TUN_MTU} OVPN_CIPHER=${OVPN_CIPHER} ORACLE_CIPHER=${ORACLE_CIPHER} ORACLE_OFFLOADS=${ORACLE_OFFLOADS}"
} | tee "$W/header.txt" >&2

# one iperf3 server in tb-b for every test (listens only inside tb-b)
bg_ns "$NSB" "$W/iperf3-server.log" iperf3 -s -p $IPERF_PORT
sleep 0.5

# ---------------------------------------------------------------- (1) veth
bench_veth() {
  wait_ping "$NSA" $UB 5 || { failed veth "no ping over veth"; return; }
  run_iperf veth $UB
}

# ---------------------------------------------------------------- (2) wireguard-go
bench_wg() {
  local d=$W/wg; mkdir -p "$d"; chmod 700 "$d"
  wg genkey >"$d/a.key"; wg pubkey <"$d/a.key" >"$d/a.pub"
  wg genkey >"$d/b.key"; wg pubkey <"$d/b.key" >"$d/b.pub"
  local pa pb
  bg_ns "$NSA" "$d/a.log" env LOG_LEVEL=error wireguard-go -f gwa${SUFFIX}; pa=$BG_PID
  bg_ns "$NSB" "$d/b.log" env LOG_LEVEL=error wireguard-go -f gwb${SUFFIX}; pb=$BG_PID
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -S /var/run/wireguard/gwa${SUFFIX}.sock && -S /var/run/wireguard/gwb${SUFFIX}.sock ]] && break
    sleep 0.1
  done
  ns "$NSA" wg set gwa${SUFFIX} private-key "$d/a.key" listen-port 51820 \
    peer "$(cat "$d/b.pub")" endpoint $UB:51821 allowed-ips 198.19.1.2/32 || { failed wireguard-go "wg set A"; return; }
  ns "$NSB" wg set gwb${SUFFIX} private-key "$d/b.key" listen-port 51821 \
    peer "$(cat "$d/a.pub")" endpoint $UA:51820 allowed-ips 198.19.1.1/32 || { failed wireguard-go "wg set B"; return; }
  ip -n "$NSA" addr add 198.19.1.1/24 dev gwa${SUFFIX}; ip -n "$NSA" link set gwa${SUFFIX} mtu "$TUN_MTU" up
  ip -n "$NSB" addr add 198.19.1.2/24 dev gwb${SUFFIX}; ip -n "$NSB" link set gwb${SUFFIX} mtu "$TUN_MTU" up
  wait_ping "$NSA" 198.19.1.2 10 || { failed wireguard-go "no ping through tunnel"; return; }
  run_iperf wireguard-go 198.19.1.2 "$pa" "$pb"
  kill "$pa" "$pb" 2>/dev/null
}

# ---------------------------------------------------------------- (3) openvpn p2p TLS/UDP
bench_ovpn() {
  local d=$W/ovpn; mkdir -p "$d"; chmod 700 "$d"
  local s
  for s in a b; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$d/$s.key" -out "$d/$s.crt" -days 7 -subj "/CN=tb-ovpn-$s" >/dev/null 2>&1
  done
  local fa fb
  fa=$(openssl x509 -in "$d/a.crt" -noout -fingerprint -sha256 | cut -d= -f2)
  fb=$(openssl x509 -in "$d/b.crt" -noout -fingerprint -sha256 | cut -d= -f2)
  local common=(--dev-type tun --proto udp --port 1194 --disable-dco
    --data-ciphers "$OVPN_CIPHER" --cipher "$OVPN_CIPHER" --tun-mtu "$TUN_MTU"
    --verb 3 --ping 5 --ping-exit 60)
  local pa pb
  bg_ns "$NSA" "$d/a.log" openvpn --dev tbovpna "${common[@]}" --tls-server --dh none \
    --cert "$d/a.crt" --key "$d/a.key" --peer-fingerprint "$fb" \
    --ifconfig 198.19.2.1 198.19.2.2 --remote $UB; pa=$BG_PID
  bg_ns "$NSB" "$d/b.log" openvpn --dev tbovpnb "${common[@]}" --tls-client \
    --cert "$d/b.crt" --key "$d/b.key" --peer-fingerprint "$fa" \
    --ifconfig 198.19.2.2 198.19.2.1 --remote $UA; pb=$BG_PID
  wait_log "$d/a.log" "Initialization Sequence Completed" 20 &&
    wait_log "$d/b.log" "Initialization Sequence Completed" 5 || { failed openvpn "no init, see $d/*.log"; return; }
  wait_ping "$NSA" 198.19.2.2 10 || { failed openvpn "no ping through tunnel"; return; }
  local dc; dc=$(grep -m1 -ioE "Data Channel: cipher '[^']*'" "$d/a.log" | cut -d"'" -f2)
  R[openvpn.cipher]=${dc:-?}
  log "openvpn data channel cipher: ${dc:-unknown}"
  run_iperf openvpn 198.19.2.2 "$pa" "$pb"
  kill "$pa" "$pb" 2>/dev/null
}

# ---------------------------------------------------------------- (4) oracle (vpngateway)
ORACLE_BIN=$REPO/src/VpnGateway/bin/Release/net10.0/vpngateway
build_oracle() {
  if [[ -z ${NO_BUILD:-} || ! -x $ORACLE_BIN ]]; then
    log "building vpngateway (Release)"
    (cd "$REPO" && dotnet build src/VpnGateway -c Release -nologo -v q >"$W/build.log" 2>&1) || { log "build failed, see $W/build.log"; return 1; }
  fi
}

bench_oracle() {
  local d=$W/oracle; mkdir -p "$d"; chmod 700 "$d"
  build_oracle || { failed oracle "build failed"; return; }
  export ORACLE_KEYSTORE_PASSWORD=bench-only-password
  local pubb puba
  puba=$("$ORACLE_BIN" keygen --light --out "$d/a.key" | head -1) || { failed oracle "keygen"; return; }
  pubb=$("$ORACLE_BIN" keygen --light --out "$d/b.key" | head -1) || { failed oracle "keygen"; return; }
  # The exit policy (SMB/NetBIOS/SMTP denied, provider networks guarded) with the gateway's own tunnel address
  # exported, because the iperf3 server listens on the provider host in this benchmark.
  cp "$REPO/bench/exit-policy.json" "$d/policy.json"
  cat >"$d/serve.json" <<EOF
{ "Tunnel": { "Mtu": $TUN_MTU, "Cipher": "$ORACLE_CIPHER", "Offloads": $ORACLE_OFFLOADS },
  "Keys": { "TunnelKeystore": "$d/b.key" },
  "Serve": { "Listen": "$UB:51830", "AddressPool": "198.19.4.0/30", "InterfacePattern": "gwbs%d",
             "Exit": { "Enabled": false }, "Policies": ["$d/policy.json"] },
  "Directory": { "Sessions": [ { "Id": 1, "TunnelKey": "$puba", "Policy": "$d/policy.json", "Address": "198.19.4.2" } ] },
  "Metrics": { "Listen": "127.0.0.1:9581" } }
EOF
  cat >"$d/connect.json" <<EOF
{ "Tunnel": { "Mtu": $TUN_MTU, "Cipher": "$ORACLE_CIPHER", "Offloads": $ORACLE_OFFLOADS },
  "Keys": { "TunnelKeystore": "$d/a.key" },
  "Connect": { "ProviderKey": "$pubb", "Endpoint": "$UB:51830", "SessionId": 1, "Routes": ["198.19.4.1/32"],
               "InterfacePattern": "gwbc%d", "Listen": "$UA:51831" },
  "Metrics": { "Listen": "127.0.0.1:9582" } }
EOF
  local pa pb
  bg_ns "$NSB" "$d/b.log" "$ORACLE_BIN" serve --config "$d/serve.json"; pb=$BG_PID
  sleep 1.5
  bg_ns "$NSA" "$d/a.log" "$ORACLE_BIN" connect --config "$d/connect.json"; pa=$BG_PID
  wait_log "$d/a.log" "connected: session" 30 || { failed oracle "no handshake, see $d/*.log"; return; }
  wait_ping "$NSA" 198.19.4.1 10 || { failed oracle "no ping through tunnel, see $d/*.log"; return; }
  # warm up the JIT (tiered compilation) before measuring
  client "$W/oracle.warm.json" 20 -c 198.19.4.1 -p $IPERF_PORT -t 2 -J
  run_iperf oracle 198.19.4.1 "$pa" "$pb"
  ip netns exec "$NSB" curl -s http://127.0.0.1:9581/status >"$d/status.json" 2>/dev/null
  log "oracle: provider status $(jq -c '{drops, denialsByRule, sessions: [.sessions[] | {rxBytes, txBytes}]}' "$d/status.json" 2>/dev/null)"
  kill "$pa" "$pb" 2>/dev/null
}

for t in $TUNNELS; do
  case $t in
    veth) bench_veth ;;
    wg) bench_wg ;;
    ovpn) bench_ovpn ;;
    oracle) bench_oracle ;;
    *) log "unknown tunnel $t" ;;
  esac
done

# ---------------------------------------------------------------- report
base1=${R[veth.tcp1]:-0}; base4=${R[veth.tcp4]:-0}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.3f", a/b; else print "null" }'; }
for n in "${ORDER[@]}"; do
  [[ -n ${R[$n.fail]:-} ]] && continue
  R[$n.cpg]=$(awk -v g="${R[$n.tcp1]}" -v c="${R[$n.cpu]}" 'BEGIN{ if (g>0 && c>0) printf "%.1f", c/g; else print "null" }')
  [[ $n == veth ]] && R[$n.cpg]=null
done
{
  cat "$W/header.txt"
  printf '\n%-13s %9s %9s %8s %8s %13s %7s %10s %7s %10s\n' tunnel Gbps_1st Gbps_P4 ratio1 ratioP4 "udp${UDP_LEN}_rxkpps" loss% daemonCPU sysCPU cpu%/Gbps
  for n in "${ORDER[@]}"; do
    if [[ -n ${R[$n.fail]:-} ]]; then printf '%-13s FAILED: %s\n' "$n" "${R[$n.fail]}"; continue; fi
    dcpu=${R[$n.cpu]}%; [[ $n == veth ]] && dcpu=kernel
    printf '%-13s %9s %9s %8s %8s %13s %7s %10s %6s%% %10s\n' "$n" "${R[$n.tcp1]}" "${R[$n.tcp4]}" \
      "$(ratio "${R[$n.tcp1]}" "$base1")" "$(ratio "${R[$n.tcp4]}" "$base4")" \
      "${R[$n.udp_rx_kpps]}" "${R[$n.udp_loss]}" "$dcpu" "${R[$n.sys]}" "${R[$n.cpg]}"
  done
  echo "(daemonCPU = CPU of both tunnel daemons during the 1-stream TCP run, % of one core; cpu%/Gbps = daemonCPU per"
  echo " Gbit/s, lower is better; sysCPU = whole machine busy % of $(nproc) cores. All endpoints share this machine's CPUs.)"
  for n in "${ORDER[@]}"; do
    if [[ -n ${R[$n.fail]:-} ]]; then echo "RESULT name=$n status=failed"; continue; fi
    echo "RESULT name=$n test=tcp_1stream gbps=${R[$n.tcp1]} daemon_cpu_pct=${R[$n.cpu]} cpu_pct_per_gbps=${R[$n.cpg]} retransmits=${R[$n.tcp1_retr]} ${R[$n.underlay]}"
    echo "RESULT name=$n test=tcp_p4 gbps=${R[$n.tcp4]}"
  done
} | tee "$W/results.txt"
val() { if [[ -n ${R[$1.fail]:-} || -z ${R[$1.$2]:-} ]]; then echo null; else echo "${R[$1.$2]}"; fi; }
wg1=$(val wireguard-go tcp1); or1=$(val oracle tcp1); wg4=$(val wireguard-go tcp4); or4=$(val oracle tcp4)
vs1=null; [[ $wg1 != null && $or1 != null ]] && vs1=$(ratio "$or1" "$wg1")
vs4=null; [[ $wg4 != null && $or4 != null ]] && vs4=$(ratio "$or4" "$wg4")
printf '{"direct_gbps":%s,"direct_gbps_p4":%s,"wireguard_go_gbps":%s,"wireguard_go_gbps_p4":%s,"openvpn_gbps":%s,"openvpn_gbps_p4":%s,"oracle_gbps":%s,"oracle_gbps_p4":%s,"oracle_vs_wireguard_go":%s,"oracle_vs_wireguard_go_p4":%s,"cpu_pct_per_gbps":{"wireguard_go":%s,"openvpn":%s,"oracle":%s},"dur_s":%s,"mtu":%s,"oracle_cipher":"%s","oracle_offloads":%s}\n' \
  "$(val veth tcp1)" "$(val veth tcp4)" "$wg1" "$wg4" "$(val openvpn tcp1)" "$(val openvpn tcp4)" "$or1" "$or4" "$vs1" "$vs4" \
  "$(val wireguard-go cpg)" "$(val openvpn cpg)" "$(val oracle cpg)" "$DUR" "$TUN_MTU" "$ORACLE_CIPHER" "$ORACLE_OFFLOADS"
