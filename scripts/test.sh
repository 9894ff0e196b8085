#!/usr/bin/env bash
# Runs every test of the repository against real services and prints one closing line "N passed, N failed".
#   ./oracle test                 everything
#   ./oracle test --filter X      only tests matching the dotnet test filter X
# It installs what is missing (scripts/bootstrap.sh), builds with warnings as errors, lints the contracts (solhint),
# starts one throwaway devnet (chain, PostgreSQL, RabbitMQ) for the whole run and points every test project at it
# (ORACLE_TEST_RPC / ORACLE_TEST_PG / ORACLE_TEST_AMQP), checks that every program the tests run is installed
# (scripts/test-programs.txt), runs the test projects one at a time printing each one's result as it finishes, and
# stops the devnet afterwards by PID, also on failure or Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
configuration=${CONFIGURATION:-Release}
started=$(date +%s)
say() { printf '[%4ds] %s\n' $(($(date +%s) - started)) "$*" >&2; }

scripts/bootstrap.sh || exit 1

say "building Oracle.sln ($configuration, warnings are errors)"
if ! dotnet build Oracle.sln -c "$configuration" -nologo -v q -clp:NoSummary -warnaserror; then
  say "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

say "linting the contracts (solhint)"
lint_failed=0
(cd contracts && npx --no-install solhint --max-warnings 0 'src/**/*.sol') >&2 || lint_failed=1

results=$root/.test-results
rm -rf "$results"
mkdir -p "$results"
# Not named oracle-test-*: test processes clean up stale folders of that name (tests/Oracle.Testing/StaleTestFolders.cs),
# and this one belongs to this script, not to a test process.
devnet_dir=$(mktemp -d -t oracle-ci-devnet-XXXXXX)
rmdir "$devnet_dir"
cli=(dotnet "src/Oracle.Devnet/bin/$configuration/net10.0/oracle-devnet.dll" devnet)
cleanup() {
  "${cli[@]}" down --data-dir "$devnet_dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting the test devnet"
if ! "${cli[@]}" up --detach --no-services --data-dir "$devnet_dir" >"$results/devnet.log" 2>&1; then
  cat "$results/devnet.log" >&2
  say "the devnet did not start"
  echo "0 passed, 1 failed"
  exit 1
fi
state=$("${cli[@]}" status --json --data-dir "$devnet_dir")
export ORACLE_TEST_RPC=$(jq -r .rpcUrl <<<"$state")
export ORACLE_TEST_PG=$(jq -r .postgres <<<"$state")
export ORACLE_TEST_AMQP=$(jq -r .amqpUrl <<<"$state")

# Every program the tests run must be on the PATH: one line naming what is missing, not exit 127 deep in a test.
missing_programs=()
while read -r program package; do
  command -v "$program" >/dev/null 2>&1 || missing_programs+=("$program (Debian package $package)")
done < <(grep -vE '^[[:space:]]*(#|$)' scripts/test-programs.txt)
if [[ ${#missing_programs[@]} -gt 0 ]]; then
  for m in "${missing_programs[@]}"; do say "missing program the tests run: $m; scripts/bootstrap.sh installs it"; done
  echo "0 passed, ${#missing_programs[@]} failed"
  exit 1
fi

# One test project at a time: the tunnel tests measure real traffic through TUN devices and the contract tests mine
# blocks on the chain; on a 2-core machine running them side by side only trades a minute for timing noise. Each
# project's result is printed as it finishes.
mapfile -t projects < <(dotnet sln Oracle.sln list | grep -E '^tests/.*\.Tests\.csproj$' | sort)
say "running ${#projects[@]} test projects (log: $results/test.log)"
passed=0 failed=0 skipped=0 test_rc=0 crashed=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  project_started=$(date +%s)
  say "$name ..."
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang-timeout 10m "$@" >>"$results/test.log" 2>&1
  rc=$?
  trx="$results/$name.trx"
  if [[ -f $trx ]]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    p=$(get passed) f=$(($(get failed) + $(get error) + $(get timeout) + $(get aborted))) n=$(get notExecuted)
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + n))
    say "$name: $p passed, $f failed$([[ $n -gt 0 ]] && echo ", $n skipped") ($(($(date +%s) - project_started)) s)"
    grep -oE '<UnitTestResult [^>]*outcome="Failed"' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/    failed: \1/p' >&2
  elif [[ $rc -ne 0 ]] && ! grep -q "No test matches the given testcase filter" <(tail -5 "$results/test.log"); then
    # No result file: the test host crashed (or the project has nothing matching a filter, which is not a failure).
    say "$name: no results (exit $rc; the test host crashed?): see $results/test.log"
    crashed=$((crashed + 1))
  fi
  [[ $rc -ne 0 ]] && test_rc=$rc
done
failed=$((failed + crashed))
if [[ $test_rc -ne 0 && $failed -eq 0 ]]; then
  say "dotnet test failed (exit $test_rc) without failed tests: see $results/test.log"
  failed=1
fi
if [[ $lint_failed -ne 0 ]]; then
  say "solhint found problems in the contracts"
  failed=$((failed + 1))
fi

say "done"
if [[ $skipped -gt 0 ]]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[[ $failed -eq 0 ]]
