#!/usr/bin/env bash
# Runs every test of the repository against real services and prints one closing line "N passed, N failed".
#   ./oracle test                 everything
#   ./oracle test --filter X      only tests matching the dotnet test filter X
# It installs what is missing (scripts/bootstrap.sh), builds with warnings as errors, lints the contracts (solhint),
# starts one throwaway devnet (chain, PostgreSQL, RabbitMQ) for the whole run and points every test project at it
# (ORACLE_TEST_RPC / ORACLE_TEST_PG / ORACLE_TEST_AMQP), and stops it afterwards by PID, also on failure or Ctrl-C.
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
devnet_dir=$(mktemp -d -t oracle-test-devnet-XXXXXX)
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

say "running the tests"
# One test project at a time (-m:1): the tunnel tests measure real traffic through TUN devices and the contract tests
# mine blocks on the chain; on a 2-core machine running them side by side only trades a minute for timing noise.
dotnet test Oracle.sln -c "$configuration" --no-build -nologo -m:1 \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m "$@" >"$results/test.log" 2>&1
test_rc=$?
grep -E "^(Passed|Failed)!|\[FAIL\]|error" "$results/test.log" >&2 || true

# Count from the TRX files: one per test project that ran.
passed=0 failed=0 skipped=0
shopt -s nullglob
trx=("$results"/*.trx)
for f in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
projects=$(dotnet sln Oracle.sln list | grep -c '^tests/.*\.Tests\.csproj$')
if [[ $# -eq 0 && ${#trx[@]} -lt $projects ]]; then
  say "only ${#trx[@]} of $projects test projects reported results (a test host crashed?): see $results/test.log"
  failed=$((failed + projects - ${#trx[@]}))
fi
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
