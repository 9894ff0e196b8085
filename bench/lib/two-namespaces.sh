# two-namespaces.sh - what the gateway benchmarks that run two throwaway namespaces share (sourced, not run):
# a timestamped log, the EXIT/INT/TERM trap that stops (by PID) only the processes the script started and deletes its
# two namespaces, and helpers to start a process in a namespace and wait for it.
# The sourcing script sets NSA, NSB and OUTDIR first; BG_STDERR=split keeps each process's stderr in "<log>.err"
# (default: merged into its log). Further namespaces the script creates go into EXTRA_NS (deleted on exit too).

mkdir -p "$OUTDIR"
W=$OUTDIR
PIDS=()
EXTRA_NS=()
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  for n in "${EXTRA_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
  log "cleaned up; logs in $OUTDIR"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bg_ns NS LOG CMD...: runs CMD in namespace NS in the background; its PID is in BG_PID (and stopped on exit).
BG_PID=
bg_ns() {
  local n=$1 logf=$2; shift 2
  if [[ ${BG_STDERR:-merge} == split ]]; then
    ip netns exec "$n" "$@" >"$logf" 2>"$logf.err" </dev/null &
  else
    ip netns exec "$n" "$@" >"$logf" 2>&1 </dev/null &
  fi
  BG_PID=$!; PIDS+=("$BG_PID")
}
# wait_log FILE PATTERN SECONDS: whether PATTERN appears in FILE within SECONDS.
wait_log() { local f=$1 pat=$2 t=$3 i; for ((i = 0; i < t * 5; i++)); do grep -q "$pat" "$f" 2>/dev/null && return 0; sleep 0.2; done; return 1; }
# stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL.
stop_pid() { local p=$1; kill -TERM "$p" 2>/dev/null; for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done; kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; }
