#!/usr/bin/env bash
# FerretDB 1.24.2 on SQLite as the MongoDB server for tests and CI: build (or reuse) the binary, start one on a
# free loopback port in a temp dir, stop it. Used by .ci/run and by test/support/globalSetup.ts.
#
#   scripts/ferretdb.sh build                 build into the cache unless a v1.24.2 binary is there; prints its path
#   scripts/ferretdb.sh locate                prints the binary start would use, or explains what was looked for
#   scripts/ferretdb.sh ensure                prints the binary locate finds, else builds one (needs Go) and prints it
#   scripts/ferretdb.sh start [--owner-pid P] starts one; prints shell assignments FERRETDB_PID, FERRETDB_DIR,
#                                             FERRETDB_PORT, MONGODB_URI (eval them); with --owner-pid it also
#                                             stops when process P exits
#   scripts/ferretdb.sh stop PID DIR          stops it and removes its temp dir
#   scripts/ferretdb.sh run CMD...            start, run CMD with MONGODB_URI exported, stop
#
# Environment: FERRETDB_BIN (a binary to use), FERRETDB_CACHE_DIR (default <repo>/.cache/ferretdb),
# FERRETDB_START_TIMEOUT (seconds, default 30), GO (the go command; default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail

readonly VERSION=v1.24.2
readonly MODULE=github.com/FerretDB/FerretDB
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly CACHE_DIR="${FERRETDB_CACHE_DIR:-$ROOT/.cache/ferretdb}"
readonly CACHED_BIN="$CACHE_DIR/bin/ferretdb"
readonly MARKER=.signet-ferretdb

log() { printf 'ferretdb.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# A zombie (exited, not yet reaped by an init that never reaps) counts as stopped.
is_running() {
  kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]
}

# Go's official installer puts it in /usr/local/go without touching PATH, so look there too.
find_go() {
  if [[ -n "${GO:-}" ]]; then
    [[ -x "$GO" ]] && printf '%s\n' "$GO"
  elif command -v go >/dev/null; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s\n' /usr/local/go/bin/go
  fi
  return 0 # "not found" is an empty answer, not a failure that set -e would turn into a silent exit
}

readonly NO_GO_ADVICE="Go (1.24 or newer) is needed to build FerretDB $VERSION for the MongoDB test suites. Install it from \
https://go.dev/dl/ (or your package manager: apt install golang-go, brew install go), then rerun; or instead set \
MONGODB_URI to a running MongoDB, or FERRETDB_BIN to a ferretdb $VERSION binary."

# The output is captured first: with pipefail, `grep -q` closing the pipe early would fail the check at random.
is_wanted_version() {
  local out
  [[ -x "$1" ]] && out="$("$1" --version 2>/dev/null)" && grep -qx "version: $VERSION" <<<"$out"
}

cmd_build() {
  if is_wanted_version "$CACHED_BIN"; then
    log "reusing $CACHED_BIN ($VERSION)"
    printf '%s\n' "$CACHED_BIN"
    return
  fi
  local go
  go="$(find_go)"
  [[ -n "$go" ]] || die "$NO_GO_ADVICE"
  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-build.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: work is local (build is the whole invocation, so EXIT is the end)
  trap "chmod -R u+w '$work' 2>/dev/null; rm -rf '$work'" EXIT
  log "building FerretDB $VERSION (about a minute the first time)"
  # `go install …@version` asks the proxy for the module's version list, which is refused here; downloading the
  # exact version from inside a throw-away module does not need that list.
  (
    cd "$work"
    "$go" mod init signet/ferretdb-build >/dev/null 2>&1
    GOFLAGS=-mod=mod "$go" mod download -json "$MODULE@$VERSION" >download.json
  ) || die "could not download $MODULE@$VERSION"
  local src
  src="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' "$work/download.json" | head -n1)"
  [[ -n "$src" && -d "$src" ]] || die "go mod download gave no module directory (see $work/download.json)"
  cp -R "$src" "$work/src"
  chmod -R u+w "$work/src"
  # Release builds get this file from FerretDB's own tooling; without it the binary panics at start.
  printf '%s' "$VERSION" >"$work/src/build/version/version.txt"
  mkdir -p "$(dirname "$CACHED_BIN")"
  (cd "$work/src" && GOFLAGS="-mod=mod -buildvcs=false" "$go" build -o "$CACHED_BIN.tmp" ./cmd/ferretdb) ||
    die "go build of FerretDB $VERSION failed"
  mv -f "$CACHED_BIN.tmp" "$CACHED_BIN"
  is_wanted_version "$CACHED_BIN" || die "the built binary does not report $VERSION"
  log "built $CACHED_BIN"
  printf '%s\n' "$CACHED_BIN"
}

cmd_locate() {
  if [[ -n "${FERRETDB_BIN:-}" ]]; then
    [[ -x "$FERRETDB_BIN" ]] || die "FERRETDB_BIN=$FERRETDB_BIN is not an executable file"
    printf '%s\n' "$FERRETDB_BIN"
  elif [[ -x "$CACHED_BIN" ]]; then
    printf '%s\n' "$CACHED_BIN"
  elif command -v ferretdb >/dev/null; then
    command -v ferretdb
  else
    die "no FerretDB binary: FERRETDB_BIN is unset, $CACHED_BIN does not exist and there is no ferretdb on PATH (run scripts/ferretdb.sh build)"
  fi
}

# The binary start would use; when there is none, the cached one, built now.
cmd_ensure() {
  local found
  # In a subshell: locate's `die` would otherwise end the whole script.
  if found="$(cmd_locate 2>/dev/null)"; then
    printf '%s\n' "$found"
    return
  fi
  cmd_build
}

cmd_start() {
  local owner=""
  while (($#)); do
    case "$1" in
      --owner-pid) owner="${2:?--owner-pid needs a pid}"; shift 2 ;;
      *) die "start: unknown argument $1" ;;
    esac
  done
  local bin dir pid port="" deadline
  bin="$(cmd_locate)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/signet-ferretdb.XXXXXX")"
  : >"$dir/$MARKER"
  # Port 0 lets the kernel pick a free port (no race with other runs); FerretDB logs the one it got.
  nohup "$bin" --handler=sqlite "--sqlite-url=file:$dir/" --listen-addr=127.0.0.1:0 "--state-dir=$dir" \
    --telemetry=disable --debug-addr=- >"$dir/ferretdb.log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$dir/ferretdb.pid"
  deadline=$((SECONDS + ${FERRETDB_START_TIMEOUT:-30}))
  while ((SECONDS < deadline)); do
    if ! is_running "$pid"; then break; fi
    port="$(sed -n 's/.*Listening on TCP 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$dir/ferretdb.log" 2>/dev/null | head -n1 || true)"
    if [[ -n "$port" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    port=""
    sleep 0.2
  done
  if [[ -z "$port" ]]; then
    log "FerretDB ($bin) did not accept connections within ${FERRETDB_START_TIMEOUT:-30}s; its log:"
    cat "$dir/ferretdb.log" >&2 || true
    cmd_stop "$pid" "$dir"
    exit 1
  fi
  if [[ -n "$owner" ]]; then
    # Stops FerretDB when the owner dies without calling stop (an interrupted test run).
    (
      while is_running "$owner" && is_running "$pid"; do sleep 1; done
      kill "$pid" 2>/dev/null || true
    ) >/dev/null 2>&1 </dev/null &
    printf '%s\n' "$!" >"$dir/watchdog.pid"
  fi
  printf 'FERRETDB_PID=%q\nFERRETDB_DIR=%q\nFERRETDB_PORT=%q\nMONGODB_URI=%q\n' \
    "$pid" "$dir" "$port" "mongodb://127.0.0.1:$port/"
}

cmd_stop() {
  local pid="${1:?stop needs the pid}" dir="${2:?stop needs the dir}"
  if [[ -f "$dir/watchdog.pid" ]]; then kill "$(cat "$dir/watchdog.pid")" 2>/dev/null || true; fi
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do is_running "$pid" || break; sleep 0.1; done
    if is_running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  # Only a directory this script made is removed.
  if [[ -f "$dir/$MARKER" ]]; then rm -rf "$dir"; fi
}

cmd_run() {
  (($#)) || die "run needs a command"
  local FERRETDB_PID FERRETDB_DIR FERRETDB_PORT MONGODB_URI started
  started="$(cmd_start --owner-pid $$)"
  eval "$started"
  # shellcheck disable=SC2064 # expand now
  trap "cmd_stop '$FERRETDB_PID' '$FERRETDB_DIR'" EXIT
  log "FerretDB listening on 127.0.0.1:$FERRETDB_PORT"
  MONGODB_URI="$MONGODB_URI" "$@"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  locate) shift; cmd_locate ;;
  ensure) shift; cmd_ensure ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) die "usage: scripts/ferretdb.sh build|locate|ensure|start [--owner-pid PID]|stop PID DIR|run CMD..." ;;
esac
