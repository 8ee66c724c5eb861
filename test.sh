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
# Wine 8 (Debian's wine, wine64) runs the Windows build of the agent; hivex's tools edit registry hives in the tests.
if ! command -v wine >/dev/null || ! command -v wineboot >/dev/null || ! command -v wineserver >/dev/null \
  || ! command -v hivexsh >/dev/null || ! command -v hivexget >/dev/null; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
  fi
  { "${as_root[@]}" apt-get update -q \
    && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends wine wine64 libhivex-bin; } \
    || { echo "Installing Wine and hivex (apt-get install wine wine64 libhivex-bin) failed." >&2; echo "0 passed, 1 failed"; exit 1; }
fi
results="$(pwd)/Tests/TestResults"
rm -rf "$results"

dotnet build Orleans.Profiles.sln -c "$configuration" -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

# What an operator deploys must publish (deploy/docker/Dockerfile runs this same command), and so must
# what an administrator copies to Windows workstations: the agent for win-x64, self-contained, as a folder
# (the single-file build does not start under Wine 8), which the Wine tests run. Checked on a full run, not
# when a filter picks a tier (./test.sh --filter Category=Unit); then the Wine tests publish it themselves.
if [ "$#" -eq 0 ]; then
  publish="$(mktemp -d)"
  dotnet publish Silo -c "$configuration" -o "$publish" -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
  rm -rf "$publish"
  windows_agent="$(pwd)/artifacts/agent-win-x64"
  rm -rf "$windows_agent"
  dotnet publish Agent -c "$configuration" -r win-x64 --self-contained -o "$windows_agent" -nologo -v quiet \
    || { echo "0 passed, 1 failed"; exit 1; }
  export PROFILES_WINDOWS_AGENT="$windows_agent"
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
