#!/usr/bin/env bash
# Start, stop or check the local Kafka + Elasticsearch pair (scripts/kafka.sh, scripts/elasticsearch.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/stack.sh COMMAND

Commands:
  start [--fresh]  start Kafka and Elasticsearch side by side, wait until both are ready, then print
                   KAFKA_BOOTSTRAP=... and ES_URL=... on stdout. --fresh empties Elasticsearch's data.
  stop             stop both (only what scripts/kafka.sh and scripts/elasticsearch.sh started)
  status           exit 0 if both are running, 3 if not

Ports, state and cache dirs: see scripts/kafka.sh --help and scripts/elasticsearch.sh --help.
EOF
}

KAFKA="$REPO_ROOT/scripts/kafka.sh"
ES="$REPO_ROOT/scripts/elasticsearch.sh"

start() {
  # Downloads first and one at a time: two Maven processes filling one local repository can collide.
  "$KAFKA" install
  "$ES" install
  local kafka es failed=false
  "$KAFKA" start >/dev/null & kafka=$!
  "$ES" start "$@" >/dev/null & es=$!
  wait "$kafka" || failed=true
  wait "$es" || failed=true
  ! $failed || die "start failed (see above); to stop whatever did start: $0 stop"
  echo "KAFKA_BOOTSTRAP=$("$KAFKA" bootstrap)"
  echo "ES_URL=$("$ES" url)"
}

stop() {
  local kafka es failed=false
  "$KAFKA" stop & kafka=$!
  "$ES" stop & es=$!
  wait "$kafka" || failed=true
  wait "$es" || failed=true
  ! $failed || die "stop failed (see above)"
}

status() {
  local rc=0
  "$KAFKA" status || rc=3
  "$ES" status || rc=3
  return "$rc"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
