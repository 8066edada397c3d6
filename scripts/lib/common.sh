# shellcheck shell=bash disable=SC2034 # variables are used by the scripts that source this file
# Shared helpers for scripts/*.sh and .ci/run. Sourcing this file only defines variables and
# functions.
#
#   REPO_ROOT             the repository's top directory (the one name for it in the scripts)
#   SSHDNETCON_STACK_DIR  run state (data, logs, pidfiles)       default /tmp/sshdnetcon-stack
#   SSHDNETCON_CACHE_DIR  installed servers (reused across runs)  default /var/tmp/sshdnetcon
#   JAVA17_HOME           JDK to use; otherwise a JDK 17 is searched for
#
# The cache is deliberately not under /root: root's home is 0700 and Elasticsearch runs as nobody.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_FILES="$REPO_ROOT/scripts/stack"
STACK_DIR="${SSHDNETCON_STACK_DIR:-/tmp/sshdnetcon-stack}"
CACHE_DIR="${SSHDNETCON_CACHE_DIR:-/var/tmp/sshdnetcon}"

# Messages for people go to stderr (stdout is for results a caller reads), each behind LOG_PREFIX,
# "[<script name>] " unless the script sets its own after sourcing this file.
LOG_PREFIX="[$(basename "$0" .sh)] "
log() { printf '%s%s\n' "$LOG_PREFIX" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() { log "ERROR: $*"; exit 1; }

# java_home: print a JDK home, preferring JDK 17 (the project's target); any other JDK only with a warning.
java_home() {
  local c
  for c in "${JAVA17_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [[ -n $c && -x $c/bin/java ]] && grep -qs '^JAVA_VERSION="17[."]' "$c/release"; then
      readlink -f "$c"; return 0
    fi
  done
  c="${JAVA_HOME:-}"
  if [[ -z $c ]] && command -v java >/dev/null; then
    c="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  [[ -n $c && -x $c/bin/java ]] || die "no JDK found; set JAVA17_HOME"
  warn "no JDK 17 found, using $c"
  printf '%s\n' "$c"
}

# wait_until SECONDS COMMAND...: run COMMAND every 0.5 s until it succeeds (0) or SECONDS pass (1).
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# require_free_port PORT WHAT: die with a clear message if PORT is taken.
require_free_port() {
  if port_in_use "$1"; then
    die "port $1 ($2) is already in use by another process; pick another with the matching *_PORT variable"
  fi
}

# require_safe_dir DIR [UID...]: create DIR if missing, then die unless it is a directory owned by
# you (or by one of UIDs) that neither group nor others may write, reached through directories that
# are owned by you or root and, if others may write them, sticky (like /tmp). Otherwise another user
# could swap the jars these scripts run, the configs they pass, or the pidfiles whose PIDs they
# signal. A symlink as DIR itself must be yours or root's too.
require_safe_dir() {
  local dir=$1 me owner mode allowed ok parent
  shift
  me=$(id -u)
  if [[ -L $dir ]]; then
    owner=$(stat -c %u -- "$dir")
    [[ $owner == 0 || $owner == "$me" ]] \
      || die "$dir is a symbolic link owned by uid $owner; refusing to use it (remove it, or choose another directory)"
  fi
  (umask 022 && mkdir -p -- "$dir") || die "cannot create $dir"
  dir=$(cd -P -- "$dir" && pwd) || die "cannot enter $dir"
  read -r owner mode < <(stat -c '%u %a' -- "$dir")
  ok=false
  for allowed in "$me" "$@"; do [[ $owner != "$allowed" ]] || ok=true; done
  $ok || die "$dir is owned by uid $owner, not by you (uid $me); refusing to use it (remove it, or choose another directory)"
  (( (8#$mode & 8#022) == 0 )) \
    || die "group or others may write $dir (mode $mode); refusing to use it (chmod go-w it, or choose another directory)"
  parent=$dir
  while [[ $parent != / ]]; do
    parent=$(dirname -- "$parent")
    read -r owner mode < <(stat -c '%u %a' -- "$parent")
    [[ $owner == 0 || $owner == "$me" ]] \
      || die "$parent, above $dir, is owned by uid $owner; refusing to use $dir (choose another directory)"
    (( (8#$mode & 8#022) == 0 || (8#$mode & 8#1000) != 0 )) \
      || die "group or others may write $parent, above $dir, and it is not sticky (mode $mode); refusing to use $dir"
  done
}

# lock_state DIR [UID...]: check DIR and $STACK_DIR with require_safe_dir (DIR may also be owned by
# UIDs), then hold $STACK_DIR/.<name of DIR>.lock (fd 9) until this script exits, so two starts/stops
# of one service never interleave. The lock lives in $STACK_DIR, which only you may write, because
# opening it follows symlinks: in DIR a service running as another user could plant one. Daemons are
# started with fd 9 closed, so they never hold it.
lock_state() {
  local dir=$1
  shift
  require_safe_dir "$STACK_DIR"
  require_safe_dir "$dir" "$@"
  exec 9>>"$STACK_DIR/.$(basename "$dir").lock"
  flock -w 300 9 || die "another start/stop holds $STACK_DIR/.$(basename "$dir").lock"
}

# --- pidfiles ----------------------------------------------------------------------------------
# A pidfile holds one PID. That PID is trusted (and only ever signalled) while /proc/PID/cmdline
# still contains MARKER, a string unique to the process we started (e.g. its state dir). A stale
# pidfile whose PID now belongs to another program, or to a zombie, is treated as "not running".

# pid_of PIDFILE MARKER: print the recorded PID and succeed if it is still our process.
pid_of() {
  local pid cmdline
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ $cmdline == *"$2"* ]] || return 1
  printf '%s\n' "$pid"
}

# start_daemon PIDFILE LOGFILE COMMAND...: run COMMAND in its own session (so Ctrl-C or the end of
# the caller does not reach it), stdin from /dev/null, stdout+stderr to LOGFILE. The PID written is
# the one COMMAND runs as (bash writes its own PID, then execs).
start_daemon() {
  local pidfile=$1 logfile=$2; shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $0 are for the inner bash
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
    </dev/null >"$logfile" 2>&1 9>&- &
  wait_until 10 test -s "$pidfile" || die "could not start: $*"
}

# stop_pidfile PIDFILE MARKER SECONDS: SIGTERM our process and wait for it to exit; after SECONDS,
# SIGKILL the same (re-verified) PID. Returns 1 if there was nothing to stop.
stop_pidfile() {
  local pidfile=$1 marker=$2 timeout=$3 pid
  if ! pid="$(pid_of "$pidfile" "$marker")"; then
    rm -f "$pidfile"
    return 1
  fi
  kill -TERM "$pid"
  if ! wait_until "$timeout" pid_gone "$pid" "$marker"; then
    log "pid $pid did not exit within ${timeout}s; sending SIGKILL"
    ! pid_of "$pidfile" "$marker" >/dev/null || kill -KILL "$pid"
    wait_until 10 pid_gone "$pid" "$marker" || die "pid $pid is still running"
  fi
  rm -f "$pidfile"
}

# pid_gone PID MARKER: PID no longer runs the command we started (exited, zombie, or reused).
pid_gone() { [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" != *"$2"* ]]; }

# show_log FILE [LINES]: print the end of a log file to stderr, for failure reports.
show_log() {
  [[ -s $1 ]] || return 0
  log "--- last ${2:-40} lines of $1 ---"
  tail -n "${2:-40}" "$1" >&2
}

# --- Maven artifacts ---------------------------------------------------------------------------

# maven_install POM DEST GOAL [MAVEN ARGS...]: once per DEST, run a maven-dependency-plugin GOAL of
# a throwaway POM with -DoutputDirectory=<temp dir>, then rename the temp dir to DEST. Because the
# rename is the last step, an existing DEST is always complete. Uses ~/.m2 (or -Dmaven.repo.local
# from MAVEN_OPTS) as the download cache; --strict-checksums fails on a download whose checksum
# does not match what the repository publishes, instead of warning.
maven_install() {
  local pom=$1 dest=$2 tmp; shift 2
  require_safe_dir "$CACHE_DIR"
  if [[ -d $dest ]]; then
    require_safe_dir "$dest"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; install Maven 3.8+"
  (
    flock -w 900 8 || die "timed out waiting for another install of $dest"
    [[ -d $dest ]] && exit 0
    log "installing $(basename "$dest") into $CACHE_DIR (first use; downloads from Maven Central)"
    tmp="$(mktemp -d "$dest.tmp.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    JAVA_HOME="$(java_home)" mvn -B -q --strict-checksums -f "$pom" "$@" -DoutputDirectory="$tmp" >"$dest.maven.log" 2>&1 8>&- \
      || { show_log "$dest.maven.log"; die "maven could not resolve $(basename "$dest")"; }
    chmod -R a+rX "$tmp"
    mv "$tmp" "$dest"
  ) 8>"$dest.lock"
}
