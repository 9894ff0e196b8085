# scale-throughput.sh - phase 4 of bench/scale.sh (sourced, not run): aggregate TCP throughput through the running
# metered provider with 1 and with GBPS_SESSIONS active sessions from real `vpngateway connect` clients, and the same
# clients as peers of one wireguard-go interface, in the same run. Sets GBPS (a JSON object merged into the result).
# Uses what scale.sh set: NSB, SUFFIX, UB, W, GATEWAY, PUBB, PB, GBPS_SESSIONS, GBPS_DUR, bg_ns, wait_log, log, metric,
# EXTRA_NS, PIDS.
#
# Layout: a bridge in the provider's namespace (198.18.8.1/22) and one namespace per client (198.18.8.(i+1)), each
# with a route to the provider's listen address only (the wireguard-go clients, and GBPS_CLIENTS=processes' clients).
# GBPS_CLIENTS=inprocess: the Oracle clients are GatewayClient engines in one process in the swarm's namespace, a TUN
# device each, and client i's streams leave from its tunnel address, which an `ip rule` sends to a table routing the
# gateway's address into its device. iperf3 servers (one per client, port 5300+i) run in the provider's namespace: the
# Oracle clients reach them at the gateway's tunnel address 198.19.0.1 (exported by the policy, as in phases 1-3), the
# wireguard-go clients at 198.19.16.1 (the wireguard-go interface).

# gbps_run TARGET FIRST LAST PREFIX: one iperf3 stream from each client FIRST..LAST at once; prints the sum of the
# receivers' rates in Gbit/s (each client's own mean over GBPS_DUR s).
# With INPROC=1 the clients are the in-process ones in the swarm's namespace: client i's stream leaves from its tunnel
# address (ADDRS[i]), which policy routing sends into its own device.
INPROC=0
ADDRS=()
gbps_run() {
  local target=$1 first=$2 last=$3 prefix=$4 i pids=()
  for ((i = first; i <= last; i++)); do
    if [[ $INPROC == 1 ]]; then
      timeout $((GBPS_DUR + 30)) ip netns exec "$NSA" iperf3 -B "${ADDRS[i]}" -c "$target" -p $((5300 + i)) -t "$GBPS_DUR" -J \
        >"$W/$prefix-$i.json" 2>"$W/$prefix-$i.err" </dev/null &
    else
      timeout $((GBPS_DUR + 30)) ip netns exec "sbc-$SUFFIX-$i" iperf3 -c "$target" -p $((5300 + i)) -t "$GBPS_DUR" -J \
        >"$W/$prefix-$i.json" 2>"$W/$prefix-$i.err" </dev/null &
    fi
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  local sum=0 bps
  for ((i = first; i <= last; i++)); do
    bps=$(jq -r '.end.sum_received.bits_per_second // 0' "$W/$prefix-$i.json" 2>/dev/null || echo 0)
    sum=$(awk -v a="$sum" -v b="${bps:-0}" 'BEGIN { printf "%.0f", a + b }')
  done
  awk -v s="$sum" 'BEGIN { printf "%.3f\n", s / 1e9 }'
}

# ok_runs PREFIX FIRST LAST: how many of the clients' iperf3 runs completed.
ok_runs() { local n=0 i; for ((i = $2; i <= $3; i++)); do jq -e '.end.sum_received.bits_per_second > 0' "$W/$1-$i.json" >/dev/null 2>&1 && n=$((n + 1)); done; echo $n; }

ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }

throughput_phase() {
  local n=$GBPS_SESSIONS i ns addr br=sbr$SUFFIX hz
  hz=$(getconf CLK_TCK)
  log "throughput: $n client namespaces on a bridge to the provider"
  ip -n "$NSB" link add "$br" type bridge || return 1
  ip -n "$NSB" addr add 198.18.8.1/22 dev "$br"; ip -n "$NSB" link set "$br" up
  for ((i = 1; i <= n; i++)); do
    ns=sbc-$SUFFIX-$i; addr=198.18.$((8 + (i + 1) / 256)).$(((i + 1) % 256))
    ip netns add "$ns" || return 1
    EXTRA_NS+=("$ns")
    ip -n "$ns" link set lo up
    ip link add "sc${SUFFIX}x$i" netns "$ns" type veth peer name "sp${SUFFIX}x$i" netns "$NSB" || return 1
    ip -n "$NSB" link set "sp${SUFFIX}x$i" master "$br" up
    ip -n "$ns" addr add "$addr/22" dev "sc${SUFFIX}x$i"; ip -n "$ns" link set "sc${SUFFIX}x$i" up
    ip -n "$ns" route add "$UB/32" via 198.18.8.1
    bg_ns "$NSB" "$W/iperf3-s-$i.log" iperf3 -s -p $((5300 + i))
  done

  # --- Oracle: the exit policy enforced, sessions 1..n pinned on the provider. GBPS_CLIENTS=inprocess: n GatewayClient
  # engines in one process (tools/Oracle.ScaleBench clients) in the swarm's namespace, a TUN device each; processes:
  # one `vpngateway connect` per namespace.
  local cpids=() up=0
  if [[ $GBPS_CLIENTS == inprocess ]]; then
    INPROC=1
    head -n "$n" "$W/keys.txt" >"$W/keys-gbps.txt"
    bg_ns "$NSA" "$W/clients.json" dotnet "$TOOL" clients --keys "$W/keys-gbps.txt" --provider-key "$PUBB" --endpoint "$UB:51820" --pattern "sic%d"
    cpids+=("$BG_PID")
    wait_log "$W/clients.json.err" "^connected" $((60 + 2 * n)) || { log "  in-process clients did not connect"; cat "$W/clients.json.err" >&2; return 1; }
    local line dev addr
    i=0
    while read -r line; do
      i=$((i + 1))
      dev=$(jq -r .device <<<"$line"); addr=$(jq -r .address <<<"$line")
      ADDRS[i]=$addr
      ip -n "$NSA" rule add from "$addr" lookup $((1000 + i))
      ip -n "$NSA" route add 198.19.0.1/32 dev "$dev" table $((1000 + i))
    done < <(grep '^{' "$W/clients.json")
    up=$i
  else
  for ((i = 1; i <= n; i++)); do
    cat >"$W/connect-$i.json" <<JSON
{ "Keys": { "TunnelKeystore": "$W/client-$i.key" },
  "Connect": { "ProviderKey": "$PUBB", "Endpoint": "$UB:51820", "SessionId": $i, "Routes": ["198.19.0.1/32"], "InterfacePattern": "sbc%d" },
  "Metrics": { "Listen": "127.0.0.1:9582" } }
JSON
    bg_ns "sbc-$SUFFIX-$i" "$W/connect-$i.log" "$GATEWAY" connect --config "$W/connect-$i.json"
    cpids+=("$BG_PID")
  done
  # One deadline for all of them (each .NET client's start-up takes about a second of CPU).
  local deadline=$((SECONDS + 60 + 3 * n))
  for ((i = 1; i <= n; i++)); do
    until grep -qs "connected: session" "$W/connect-$i.log" "$W/connect-$i.log.err"; do
      (( SECONDS < deadline )) || break
      sleep 0.2
    done
    grep -qs "connected: session" "$W/connect-$i.log" "$W/connect-$i.log.err" && up=$((up + 1))
  done
  fi
  log "  $up of $n clients connected"
  local heldstart; heldstart=$(metric oracle_vpngateway_packets_held_starting)
  local rec0 drop0; rec0=$(metric oracle_vpngateway_metering_capture_device_received); drop0=$(metric oracle_vpngateway_metering_capture_device_dropped)

  # Warm-up (tiered JIT of the gateway and the client), then one session alone, then all at once.
  local warm=(ip netns exec "sbc-$SUFFIX-1"); [[ $INPROC == 1 ]] && warm=(ip netns exec "$NSA" iperf3 -B "${ADDRS[1]}") || warm+=(iperf3)
  timeout 30 "${warm[@]}" -c 198.19.0.1 -p 5301 -t 2 -J >"$W/oracle-warm.json" 2>&1
  local g1 gn t0 t1 cpu_n
  local pct='BEGIN { printf "%.0f", (b - a) * 100 / hz / d }' c0 c1 cpu_1 ccpu_n
  t0=$(ticks "$PB")
  g1=$(gbps_run 198.19.0.1 1 1 oracle-1)
  t1=$(ticks "$PB")
  cpu_1=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v d="$GBPS_DUR" "$pct")
  log "  oracle, 1 session: $g1 Gbit/s (provider ~$cpu_1 % of a core)"
  t0=$(ticks "$PB"); c0=0; [[ $INPROC == 1 ]] && c0=$(ticks "${cpids[0]}")
  gn=$(gbps_run 198.19.0.1 1 "$n" oracle-n)
  t1=$(ticks "$PB"); c1=0; [[ $INPROC == 1 ]] && c1=$(ticks "${cpids[0]}")
  cpu_n=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v d="$GBPS_DUR" "$pct")
  ccpu_n=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v d="$GBPS_DUR" "$pct")
  local okn; okn=$(ok_runs oracle-n 1 "$n")
  log "  oracle, $n sessions: $gn Gbit/s ($okn streams completed; provider ~$cpu_n % of a core, in-process clients ~$ccpu_n %)"
  local rec1 drop1; rec1=$(metric oracle_vpngateway_metering_capture_device_received); drop1=$(metric oracle_vpngateway_metering_capture_device_dropped)
  ip netns exec "$NSB" curl -s --max-time 5 http://127.0.0.1:9591/status >"$W/status-gbps.json"
  local notrunning; notrunning=$(jq '.drops.session_not_running // 0' "$W/status-gbps.json")
  # The sessions that carried the streams (each received at least 1 MB from its client): the check that every stream
  # went through its own session.
  local active; active=$(jq --argjson n "$n" '[.sessions[] | select(.sessionId <= $n and .rxBytes > 1000000)] | length' "$W/status-gbps.json")
  for p in "${cpids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${cpids[@]}"; do wait "$p" 2>/dev/null; done
  INPROC=0

  # --- wireguard-go: one interface with n peers in the provider's namespace, one wireguard-go per client namespace.
  local d=$W/wg; mkdir -p "$d"
  wg genkey >"$d/s.key"; wg pubkey <"$d/s.key" >"$d/s.pub"
  { echo "[Interface]"; echo "PrivateKey = $(cat "$d/s.key")"; echo "ListenPort = 51900"; } >"$d/s.conf"
  for ((i = 1; i <= n; i++)); do
    wg genkey >"$d/c$i.key"; wg pubkey <"$d/c$i.key" >"$d/c$i.pub"
    { echo "[Peer]"; echo "PublicKey = $(cat "$d/c$i.pub")"; echo "AllowedIPs = 198.19.$((16 + (i + 1) / 256)).$(((i + 1) % 256))/32"; } >>"$d/s.conf"
  done
  local sif=swg$SUFFIX wpids=()
  bg_ns "$NSB" "$d/s.log" env LOG_LEVEL=error wireguard-go -f "$sif"; wpids+=("$BG_PID")
  for ((i = 1; i <= n; i++)); do
    bg_ns "sbc-$SUFFIX-$i" "$d/c$i.log" env LOG_LEVEL=error wireguard-go -f "w${SUFFIX}x$i"; wpids+=("$BG_PID")
  done
  for ((i = 0; i < 100; i++)); do
    local all=1 k
    [[ -S /var/run/wireguard/$sif.sock ]] || all=0
    for ((k = 1; k <= n; k++)); do [[ -S /var/run/wireguard/w${SUFFIX}x$k.sock ]] || { all=0; break; }; done
    [[ $all == 1 ]] && break
    sleep 0.2
  done
  ip netns exec "$NSB" wg setconf "$sif" "$d/s.conf" || return 1
  ip -n "$NSB" addr add 198.19.16.1/22 dev "$sif"; ip -n "$NSB" link set "$sif" mtu 1420 up
  for ((i = 1; i <= n; i++)); do
    ns=sbc-$SUFFIX-$i; addr=198.19.$((16 + (i + 1) / 256)).$(((i + 1) % 256))
    printf '[Interface]\nPrivateKey = %s\n[Peer]\nPublicKey = %s\nEndpoint = %s:51900\nAllowedIPs = 198.19.16.1/32\n' \
      "$(cat "$d/c$i.key")" "$(cat "$d/s.pub")" "$UB" >"$d/c$i.conf"
    ip netns exec "$ns" wg setconf "w${SUFFIX}x$i" "$d/c$i.conf" || return 1
    ip -n "$ns" addr add "$addr/32" dev "w${SUFFIX}x$i"; ip -n "$ns" link set "w${SUFFIX}x$i" mtu 1420 up
    ip -n "$ns" route add 198.19.16.1/32 dev "w${SUFFIX}x$i"
  done
  local pings=()
  for ((i = 1; i <= n; i++)); do ip netns exec "sbc-$SUFFIX-$i" ping -c1 -W3 198.19.16.1 >/dev/null 2>&1 & pings+=($!); done
  for p in "${pings[@]}"; do wait "$p"; done
  timeout 30 ip netns exec "sbc-$SUFFIX-1" iperf3 -c 198.19.16.1 -p 5301 -t 2 -J >"$W/wg-warm.json" 2>&1
  local w1 wn
  w1=$(gbps_run 198.19.16.1 1 1 wg-1)
  log "  wireguard-go, 1 peer: $w1 Gbit/s"
  wn=$(gbps_run 198.19.16.1 1 "$n" wg-n)
  local okw; okw=$(ok_runs wg-n 1 "$n")
  log "  wireguard-go, $n peers: $wn Gbit/s ($okw streams completed)"
  for p in "${wpids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${wpids[@]}"; do wait "$p" 2>/dev/null; done

  GBPS=$(jq -cn --argjson n "$n" --argjson up "$up" --argjson g1 "$g1" --argjson gn "$gn" --argjson w1 "$w1" --argjson wn "$wn" \
    --argjson okn "$okn" --argjson okw "$okw" --argjson cpu "$cpu_n" --argjson cpu1 "$cpu_1" --argjson ccpu "$ccpu_n" --argjson dur "$GBPS_DUR" --argjson held "${heldstart:-0}" \
    --arg mode "$GBPS_CLIENTS" --argjson active "${active:-0}" --argjson nr "${notrunning:-0}" --argjson r0 "${rec0:-0}" --argjson r1 "${rec1:-0}" --argjson d0 "${drop0:-0}" --argjson d1 "${drop1:-0}" '{
      sessions_n: $n, gbps_clients: $mode, clients_connected_n: $up, sessions_carrying_n: $active, streams_completed_n: $okn, wireguard_go_streams_completed_n: $okw, gbps_dur_s: $dur,
      gbps_1: $g1, gbps_n: $gn, gbps_100: (if $n == 100 then $gn else null end),
      wireguard_go_gbps_1: $w1, wireguard_go_gbps_n: $wn, wireguard_go_gbps_100: (if $n == 100 then $wn else null end),
      gbps_n_vs_1: (if $g1 > 0 then ($gn / $g1 * 1000 | round) / 1000 else null end),
      oracle_vs_wireguard_go_1: (if $w1 > 0 then ($g1 / $w1 * 1000 | round) / 1000 else null end),
      oracle_vs_wireguard_go_n: (if $wn > 0 then ($gn / $wn * 1000 | round) / 1000 else null end),
      provider_cpu_pct_1: $cpu1, provider_cpu_pct_n: $cpu, clients_cpu_pct_n: (if $mode == "inprocess" then $ccpu else null end), packets_held_starting: $held, session_not_running_drops: $nr,
      gbps_capture_drop_pct: (if ($r1 - $r0) > 0 then (($d1 - $d0) * 10000 / (($r1 - $r0) + ($d1 - $d0)) | round) / 100 else 0 end)
    }')
}
