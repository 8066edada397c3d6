#!/usr/bin/env bash
# Run a local single-node Elasticsearch for demos, CI and tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/elasticsearch.sh COMMAND

Runs Elasticsearch $ES_VERSION (the integ-test-zip from Maven Central) on 127.0.0.1 as user nobody
(Elasticsearch refuses to run as root), single node, security off.

Commands:
  start [--fresh]  install on first use, start, wait for cluster health yellow, print the URL
                   (does nothing if already running). --fresh first deletes all data (restarting
                   a running node): data streams cannot be deleted through the API in this build.
  stop             stop the node this script started and wait for it to exit
  status           exit 0 if running and answering, 3 if not
  url              print the URL (http://127.0.0.1:PORT)
  install          only download and unpack the distribution (first use)

Environment:
  ES_PORT (19200)  ES_TRANSPORT_PORT (19300)  ES_HEAP (512m)  ES_START_TIMEOUT (180 s)
  SSHDNETCON_STACK_DIR (/tmp/sshdnetcon-stack): state lives in \$SSHDNETCON_STACK_DIR/elasticsearch
  SSHDNETCON_CACHE_DIR (/var/tmp/sshdnetcon): the distribution lives in \$SSHDNETCON_CACHE_DIR/elasticsearch-$ES_VERSION
EOF
}

ES_VERSION=8.19.21
ES_PORT="${ES_PORT:-19200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-19300}"
ES_HEAP="${ES_HEAP:-512m}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
ES_USER=(--reuid=nobody --regid=nogroup --clear-groups)   # setpriv arguments
# STATE is owned by nobody, who may write in it. This script's own files, written as root, live
# beside it: root opening a symlink planted there would write wherever it points.
STATE="$STACK_DIR/elasticsearch"
PIDFILE="$STACK_DIR/elasticsearch.launcher.pid"   # the launcher JVM; SIGTERM to it stops the server JVM too
CONSOLE_LOG="$STACK_DIR/elasticsearch.console.log"
MARKER="$STATE/"                # on the command line of every process in the start chain
ES_HOME="$CACHE_DIR/elasticsearch-$ES_VERSION/elasticsearch-$ES_VERSION"
URL="http://127.0.0.1:$ES_PORT"

install() {
  maven_install "$STACK_FILES/elasticsearch.pom.xml" "$CACHE_DIR/elasticsearch-$ES_VERSION" \
    dependency:unpack-dependencies -Des.version="$ES_VERSION"
  [[ -x $ES_HOME/bin/elasticsearch ]] || die "unexpected layout: $ES_HOME/bin/elasticsearch is missing"
}

running() { pid_of "$PIDFILE" "$MARKER" >/dev/null; }
healthy() { running && curl -fsS -m 5 -o /dev/null "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null; }
healthy_or_exited() { healthy || ! running; }

stop() {
  local server_pid
  server_pid="$(cat "$STATE/server.pid" 2>/dev/null || echo 0)"   # ES deletes this file as it exits
  if stop_pidfile "$PIDFILE" "$MARKER" 60; then
    # The server JVM exits with its launcher; wait so that the ports and data dir are free.
    wait_until 30 pid_gone "$server_pid" "$MARKER" \
      || die "server pid $server_pid is still running after its launcher exited"
    log "stopped"
  else
    log "not running"
  fi
}

# prepare_state: a private config copy each start (the zip's config is 0660 root and ES writes its
# keystore there), all owned by the user ES runs as. Data survives restarts unless --fresh.
prepare_state() {
  mkdir -p "$STATE"
  rm -rf "$STATE/config" "$STATE/tmp"
  cp -r "$ES_HOME/config" "$STATE/config"
  mkdir -p "$STATE/data" "$STATE/logs" "$STATE/tmp"
  rm -f "$STATE/server.pid"
  chown -R nobody:nogroup "$STATE"
  setpriv "${ES_USER[@]}" test -w "$STATE/data" \
    || die "user nobody cannot write $STATE; use an SSHDNETCON_STACK_DIR whose parents everyone may enter (not under /root)"
}

start() {
  local fresh=false
  case "${1:-}" in
    --fresh) fresh=true ;;
    "") ;;
    *) die "unknown option for start: $1" ;;
  esac
  if running && $fresh; then
    log "--fresh: restarting the running node with empty data"
    stop
  fi
  if running; then
    wait_until "$ES_START_TIMEOUT" healthy || die "pid $(cat "$PIDFILE") runs but $URL is not healthy"
    log "already running (pid $(cat "$PIDFILE")) at $URL"
    echo "$URL"
    return 0
  fi
  [[ $(id -u) == 0 ]] || die "run as root: Elasticsearch is started as user nobody through setpriv"
  install
  require_free_port "$ES_PORT" ES_PORT
  require_free_port "$ES_TRANSPORT_PORT" ES_TRANSPORT_PORT
  if $fresh; then
    log "--fresh: deleting $STATE/data"
    rm -rf "$STATE/data"
  fi
  prepare_state

  log "starting Elasticsearch $ES_VERSION on $URL"
  start_daemon "$PIDFILE" "$CONSOLE_LOG" \
    setpriv "${ES_USER[@]}" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$STATE/tmp" \
    ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$STATE/config" ES_TMPDIR="$STATE/tmp" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
    "$ES_HOME/bin/elasticsearch" -p "$STATE/server.pid" \
    -Ecluster.name=sshdnetcon-local -Enode.name=local -Ediscovery.type=single-node \
    -Enetwork.host=127.0.0.1 -Ehttp.port="$ES_PORT" -Etransport.port="$ES_TRANSPORT_PORT" \
    -Epath.data="$STATE/data" -Epath.logs="$STATE/logs" \
    -Expack.security.enabled=false -Ecluster.routing.allocation.disk.threshold_enabled=false \
    -Eaction.destructive_requires_name=false

  if ! wait_until "$ES_START_TIMEOUT" healthy_or_exited || ! healthy; then
    show_log "$CONSOLE_LOG"
    running || die "Elasticsearch exited during start; logs are in $STATE/logs"
    log "not healthy after ${ES_START_TIMEOUT}s; stopping it"
    stop
    die "Elasticsearch did not become healthy; logs are in $STATE/logs"
  fi
  log "ready (pid $(cat "$PIDFILE")) at $URL"
  echo "$URL"
}

status() {
  if healthy; then
    log "running (pid $(cat "$PIDFILE")) at $URL"
  elif running; then
    log "pid $(cat "$PIDFILE") is running but $URL is not healthy"
    exit 3
  else
    log "not running"
    exit 3
  fi
}

case "${1:-}" in
  start) shift; lock_state "$STATE" "$(id -u nobody)"; start "$@" ;;
  stop) lock_state "$STATE" "$(id -u nobody)"; stop ;;
  status) status ;;
  url) echo "$URL" ;;
  install) install ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
