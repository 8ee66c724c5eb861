#!/usr/bin/env bash
# Builds and runs every test (unit, grain, end-to-end with real silo and agent processes).
# Installs what the tests need first; ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"

# Azurite (pinned in package.json / package-lock.json) for the Azure-mode and cluster tests.
if [ ! -f node_modules/azurite/package.json ]; then
  npm ci --no-audit --no-fund || { echo "0 passed, 1 failed"; exit 1; }
fi
results="$(pwd)/Tests/TestResults"
rm -rf "$results"

dotnet build Orleans.Profiles.sln -c "$configuration" -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

# What an operator deploys must publish (deploy/docker/Dockerfile runs this same command); checked
# on a full run, not when a filter picks a tier (./test.sh --filter Category=Unit).
if [ "$#" -eq 0 ]; then
  publish="$(mktemp -d)"
  dotnet publish Silo -c "$configuration" -o "$publish" -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
  rm -rf "$publish"
fi

dotnet test Orleans.Profiles.sln -c "$configuration" --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?

# Count from the test results (TRX files), not from console output.
passed=0
failed=0
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  count() { local v; v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"); echo "${v:-0}"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done < <(find "$results" -name '*.trx' -print0 2>/dev/null)
if [ "${passed:-0}" -eq 0 ] && [ "$status" -eq 0 ]; then
  status=1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
