#!/usr/bin/env bash
# A three-silo Orleans.Profiles cluster on this machine, in the azure storage mode, over Azurite.
#
#   deploy/local-cluster.sh [start|stop|status|restart N]      (default: start)
#
#   start      installs Azurite (npm, at the repository root) if it is missing, builds the silo once,
#              starts Azurite and three silos on 127.0.0.1, waits until each silo says it is ready,
#              and prints the --gateway options an agent should use
#   stop       stops the silos (SIGTERM, then waits for them to exit), then Azurite
#   status     shows what runs, with each silo's /health/ready answer
#   restart N  stops silo N (1-3) and starts it again, the way one silo of a real cluster is upgraded
#
# State (Azurite's data, logs, pid files, the silo binaries the cluster runs) lives in
# LOCAL_CLUSTER_DIR, default ./local-cluster at the repository root. Other settings, with defaults:
#   AZURITE_BLOB_PORT=10000 AZURITE_QUEUE_PORT=10001 AZURITE_TABLE_PORT=10002
#   SILO_PORT_BASE=11111 GATEWAY_PORT_BASE=30000 HEALTH_PORT_BASE=8080   (silo N adds N-1)
#   CLUSTER_ID=orleans-profiles READY_TIMEOUT=180 STOP_TIMEOUT=60  (seconds)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${LOCAL_CLUSTER_DIR:-$root/local-cluster}"
case "$state" in
  /*) ;;
  *) state="$PWD/$state" ;;
esac

blob_port="${AZURITE_BLOB_PORT:-10000}"
queue_port="${AZURITE_QUEUE_PORT:-10001}"
table_port="${AZURITE_TABLE_PORT:-10002}"
silo_port_base="${SILO_PORT_BASE:-11111}"
gateway_port_base="${GATEWAY_PORT_BASE:-30000}"
health_port_base="${HEALTH_PORT_BASE:-8080}"
cluster_id="${CLUSTER_ID:-orleans-profiles}"
ready_timeout="${READY_TIMEOUT:-180}"
stop_timeout="${STOP_TIMEOUT:-60}"

readonly silo_count=3
readonly ready_line='Orleans.Profiles silo ready'
readonly azurite_bin="$root/node_modules/.bin/azurite"
readonly build_output="$root/Silo/bin/Release/net10.0"
readonly silo_bin="$state/bin/profiles-silo"

# Azurite's single account and its well-known development key (public, the same in every Azurite).
readonly dev_account='devstoreaccount1'
readonly dev_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

say() { printf 'local-cluster: %s\n' "$*"; }
fail() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

silo_port() { echo $((silo_port_base + $1 - 1)); }
gateway_port() { echo $((gateway_port_base + $1 - 1)); }
health_port() { echo $((health_port_base + $1 - 1)); }

connection_string() {
  printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;' "$dev_account" "$dev_key"
  printf 'BlobEndpoint=http://127.0.0.1:%s/%s;' "$blob_port" "$dev_account"
  printf 'QueueEndpoint=http://127.0.0.1:%s/%s;' "$queue_port" "$dev_account"
  printf 'TableEndpoint=http://127.0.0.1:%s/%s;' "$table_port" "$dev_account"
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The HTTP status code of GET http://127.0.0.1:PORT/PATH, or nothing when nothing answers.
http_status() {
  local port=$1 path=$2
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
    code=''
    IFS=' ' read -r -t 5 _ code _ <&3 || true
    printf '%s' "$code"
  ) 2>/dev/null || true
}

pid_file() { echo "$state/$1.pid"; }

# The pid recorded for NAME if that process is alive and is the program we started (PATTERN in its
# command line); nothing otherwise, so a reused pid is never signalled.
live_pid() {
  local name=$1 pattern=$2 file pid
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 0
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  if ps -o args= -p "$pid" 2>/dev/null | grep -q -- "$pattern"; then
    echo "$pid"
  fi
}

# Starts a program in its own session with stdin closed and stdout and stderr to LOG; its pid goes
# to the pid file of NAME (written by the process itself, so it is the program's own pid).
launch() {
  local name=$1 log=$2
  shift 2
  local file
  file="$(pid_file "$name")"
  rm -f "$file"
  local -a detach=()
  if command -v setsid >/dev/null 2>&1; then
    detach=(setsid)
  fi
  # shellcheck disable=SC2016 # $$, $1 and $@ are for the inner bash
  ${detach[@]+"${detach[@]}"} bash -c 'echo "$$" >"$1"; shift; exec "$@"' launch "$file" "$@" \
    </dev/null >"$log" 2>&1 &
  local waited=0
  until [[ -s "$file" ]]; do
    ((waited++ < 100)) || fail "$name did not start (see $log)"
    sleep 0.05
  done
}

# Waits for NAME (pid PID), which has been sent SIGTERM, to exit; SIGKILL after STOP_TIMEOUT.
wait_for_exit() {
  local name=$1 pid=$2 deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "$name (pid $pid) did not exit within ${stop_timeout}s of SIGTERM: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  say "stopped $name (pid $pid)"
}

# Sends SIGTERM to NAME if it runs, waits for it to exit, removes its pid file.
stop_one() {
  local name=$1 pattern=$2 pid
  pid="$(live_pid "$name" "$pattern")"
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_for_exit "$name" "$pid"
  fi
  rm -f "$(pid_file "$name")"
}

wait_for_azurite() {
  local pid=$1 deadline=$((SECONDS + 60)) port
  for port in "$blob_port" "$queue_port" "$table_port"; do
    until port_open "$port"; do
      kill -0 "$pid" 2>/dev/null || { tail -n 20 "$state/azurite.log" >&2; fail "Azurite exited (log: $state/azurite.log)"; }
      ((SECONDS < deadline)) || fail "Azurite is not listening on 127.0.0.1:$port after 60s (log: $state/azurite.log)"
      sleep 0.2
    done
  done
}

# Waits until silo N's log has the ready line; fails at once if the silo exits, or after READY_TIMEOUT.
wait_for_silo() {
  local n=$1 pid=$2 log="$state/silo$1.log" deadline=$((SECONDS + ready_timeout))
  until grep -q -- "$ready_line" "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2 || true
      fail "silo $n exited before it was ready (log: $log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$log" >&2 || true
      fail "silo $n was not ready within ${ready_timeout}s (log: $log)"
    fi
    sleep 0.2
  done
}

start_silo() {
  local n=$1 pid
  mkdir -p "$state/silo$n"
  # The connection string goes through the environment, not the command line, so ps does not show it.
  # The working folder is the silo's own, so nothing it writes lands in the repository.
  (
    cd "$state/silo$n"
    AZURE_STORAGE_CONNECTION_STRING="$(connection_string)"
    export AZURE_STORAGE_CONNECTION_STRING
    launch "silo$n" "$state/silo$n.log" \
      "$silo_bin" --storage azure --cluster-id "$cluster_id" --advertise-ip 127.0.0.1 \
      --silo-port "$(silo_port "$n")" --gateway-port "$(gateway_port "$n")" --health-port "$(health_port "$n")"
  )
  pid="$(<"$(pid_file "silo$n")")"
  wait_for_silo "$n" "$pid"
  say "silo $n ready (pid $pid): silo port $(silo_port "$n"), gateway 127.0.0.1:$(gateway_port "$n"), health http://127.0.0.1:$(health_port "$n")/health/ready"
}

stop_all() {
  local n pid
  local -a names=() pids=()
  # SIGTERM every silo first, then wait: each leaves the cluster cleanly while Azurite still runs.
  for ((n = silo_count; n >= 1; n--)); do
    pid="$(live_pid "silo$n" profiles-silo)"
    if [[ -n "$pid" ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      names+=("silo$n")
      pids+=("$pid")
    fi
  done
  for n in "${!pids[@]}"; do
    wait_for_exit "${names[$n]}" "${pids[$n]}"
  done
  for ((n = 1; n <= silo_count; n++)); do
    rm -f "$(pid_file "silo$n")"
  done
  stop_one azurite azurite
}

install_azurite() {
  [[ -x "$azurite_bin" ]] && return 0
  command -v npm >/dev/null 2>&1 || fail "npm is needed to install Azurite (package.json at the repository root)"
  say "installing Azurite into $root/node_modules"
  if [[ -f "$root/package-lock.json" ]]; then
    (cd "$root" && npm ci --no-audit --no-fund)
  else
    # No lock file yet: install the exact version package.json pins, and write no lock file.
    (cd "$root" && npm install --no-audit --no-fund --no-package-lock)
  fi
  [[ -x "$azurite_bin" ]] || fail "npm did not install $azurite_bin"
}

build_silo() {
  command -v dotnet >/dev/null 2>&1 || fail "the .NET 10 SDK (dotnet) is needed to build the silo"
  say "building the silo (dotnet build Silo -c Release)"
  dotnet build "$root/Silo" -c Release -nologo -v quiet
  [[ -f "$build_output/profiles-silo.dll" ]] || fail "the build did not produce $build_output/profiles-silo.dll"
  # The cluster runs its own copy, so rebuilding the repository later does not change files under running silos.
  rm -rf "${state:?}/bin"
  mkdir -p "$state/bin"
  cp -R "$build_output/." "$state/bin/"
  [[ -x "$silo_bin" ]] || fail "$silo_bin is missing or not executable"
}

stop_after_failure() {
  local status=$?
  if ((status != 0)); then
    say "start did not complete (exit $status): stopping what it started; logs are in $state"
    stop_all
  fi
}

cmd_start() {
  local n name pid port
  for name in azurite silo1 silo2 silo3; do
    pid="$(live_pid "$name" "$([[ $name == azurite ]] && echo azurite || echo profiles-silo)")"
    [[ -z "$pid" ]] || fail "$name is already running (pid $pid): run '$0 status' or '$0 stop' first"
  done
  for port in "$blob_port" "$queue_port" "$table_port" \
    "$(silo_port 1)" "$(silo_port 2)" "$(silo_port 3)" \
    "$(gateway_port 1)" "$(gateway_port 2)" "$(gateway_port 3)" \
    "$(health_port 1)" "$(health_port 2)" "$(health_port 3)"; do
    ! port_open "$port" || fail "127.0.0.1:$port is already in use (see the port variables at the top of $0)"
  done

  mkdir -p "$state/azurite"
  # Everything in the state folder is local and generated: keep it out of git wherever it is.
  printf '*\n' >"$state/.gitignore"

  install_azurite
  build_silo

  # From here on, a failure or Ctrl+C stops what this run started; logs stay in the state folder.
  trap stop_after_failure EXIT
  trap 'exit 130' INT TERM

  say "starting Azurite (blob $blob_port, queue $queue_port, table $table_port; data in $state/azurite)"
  launch azurite "$state/azurite.log" "$azurite_bin" --silent --skipApiVersionCheck --disableTelemetry \
    --location "$state/azurite" \
    --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port"
  wait_for_azurite "$(<"$(pid_file azurite)")"

  for ((n = 1; n <= silo_count; n++)); do
    start_silo "$n"
  done
  trap - EXIT INT TERM

  local gateways=''
  for ((n = 1; n <= silo_count; n++)); do
    gateways+="--gateway 127.0.0.1:$(gateway_port "$n") "
  done
  say "cluster '$cluster_id' is up: $silo_count silos over Azurite; logs and pid files in $state"
  say "agents use: ${gateways% }"
  say "stop it with: $0 stop"
}

cmd_stop() {
  stop_all
  say "stopped"
}

cmd_status() {
  local n pid code running=0
  pid="$(live_pid azurite azurite)"
  if [[ -n "$pid" ]]; then
    running=$((running + 1))
    say "azurite: running (pid $pid), blob 127.0.0.1:$blob_port, queue 127.0.0.1:$queue_port, table 127.0.0.1:$table_port"
  else
    say "azurite: not running"
  fi
  for ((n = 1; n <= silo_count; n++)); do
    pid="$(live_pid "silo$n" profiles-silo)"
    if [[ -n "$pid" ]]; then
      running=$((running + 1))
      code="$(http_status "$(health_port "$n")" /health/ready)"
      say "silo $n: running (pid $pid), gateway 127.0.0.1:$(gateway_port "$n"), silo port $(silo_port "$n"), /health/ready: ${code:-no answer}"
    else
      say "silo $n: not running"
    fi
  done
  say "state folder: $state"
  ((running == silo_count + 1)) || return 3
}

cmd_restart() {
  local n=${1:-}
  [[ "$n" =~ ^[1-3]$ ]] || fail "usage: $0 restart N   (N = 1, 2 or 3)"
  [[ -n "$(live_pid azurite azurite)" ]] || fail "Azurite is not running: use '$0 start'"
  [[ -x "$silo_bin" ]] || fail "$silo_bin is missing: use '$0 start'"
  ! port_open "$(gateway_port "$n")" || [[ -n "$(live_pid "silo$n" profiles-silo)" ]] ||
    fail "127.0.0.1:$(gateway_port "$n") is in use by something else"
  stop_one "silo$n" profiles-silo
  start_silo "$n"
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_restart "${2:-}" ;;
  -h | --help | help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) fail "unknown command '$1': use start, stop, status or restart N" ;;
esac
