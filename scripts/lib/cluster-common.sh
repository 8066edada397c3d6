# shellcheck shell=bash
# Small helpers for scripts/flink-cluster.sh (sourced, not executed), after scripts/lib/common.sh
# (die). Every function is prefixed cc_ so that the two never clash.
# Convention: human-readable progress goes to stderr, machine-readable results to stdout.

# Prints the java binary: $JAVA_HOME, else the Debian JDK 17, else java on PATH.
cc_java() {
  local candidate
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/java-17-openjdk-amd64/bin/java; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  command -v java || die "no Java found: set JAVA_HOME to a JDK 17 (or 11/21)"
}

cc_require_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required but not installed"
  done
}

# True if PID is alive and its command line contains every further argument.
# Guards against signalling an unrelated process that reused a PID from a stale pidfile.
cc_pid_matches() {
  local pid=$1 cmdline needle
  shift
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  for needle in "$@"; do
    [[ "$cmdline" == *"$needle"* ]] || return 1
  done
}

# Prints the PID stored in a pidfile if it is alive and matches the needles; fails otherwise.
cc_pidfile_pid() {
  local pidfile=$1 pid
  shift
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  cc_pid_matches "$pid" "$@" || return 1
  printf '%s\n' "$pid"
}

# cc_wait_exit PID TIMEOUT_SECONDS: waits for PID to exit; fails on timeout.
cc_wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# GET a URL and print the body; fails on connection errors and HTTP errors.
cc_http_get() { curl -sSf --max-time 5 "$1"; }

# Milliseconds since the epoch (for timings).
cc_now_ms() { date +%s%3N; }

# cc_elapsed START_MS: "12.3 s" since START_MS (from cc_now_ms).
cc_elapsed() {
  local ms=$(($(cc_now_ms) - $1))
  printf '%d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100))
}
