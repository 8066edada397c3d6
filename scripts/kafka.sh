#!/usr/bin/env bash
# Run a local single-node Kafka (KRaft, broker + controller in one JVM) for demos, CI and tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/kafka.sh COMMAND

Runs Kafka $KAFKA_VERSION (KRaft, combined broker+controller) on 127.0.0.1, built from Maven Central jars.

Commands:
  start                                    install on first use, format storage on first start, start, wait until
                                           ready, print the bootstrap address (does nothing if already running)
  stop                                     stop the broker this script started and wait for it to exit
  status                                   exit 0 if running and answering, 3 if not
  create-topic NAME [--partitions N] [--compact] [--config KEY=VALUE]...
                                           create a topic (1 replica; default 1 partition); no-op if it exists
  bootstrap                                print the bootstrap address (127.0.0.1:PORT)
  install                                  only download the jars (first use)
  tool CLASS [ARGS...]                     run a Kafka CLI class on the broker classpath, e.g.
                                           org.apache.kafka.tools.ConsoleProducer --bootstrap-server ...

Environment:
  KAFKA_PORT (19092)  KAFKA_CONTROLLER_PORT (19093)  KAFKA_HEAP (512m)  KAFKA_START_TIMEOUT (120 s)
  SSHDNETCON_STACK_DIR (/tmp/sshdnetcon-stack): state lives in \$SSHDNETCON_STACK_DIR/kafka
  SSHDNETCON_CACHE_DIR (/var/tmp/sshdnetcon): jars live in \$SSHDNETCON_CACHE_DIR/kafka-$KAFKA_VERSION
EOF
}

KAFKA_VERSION=4.2.0
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STATE="$STACK_DIR/kafka"
PIDFILE="$STATE/kafka.pid"
CONFIG="$STATE/server.properties"   # also the pidfile marker: it is on the broker's command line
LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

install() {
  maven_install "$STACK_FILES/kafka.pom.xml" "$LIBS" \
    dependency:copy-dependencies -DincludeScope=runtime -Dkafka.version="$KAFKA_VERSION"
}

# tool CLASS ARGS...: a short-lived Kafka CLI JVM, tuned for start-up time, logging warnings to stderr.
tool() {
  install
  "$(java_home)/bin/java" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$STACK_FILES/kafka-tools-log4j2.properties" -cp "$LIBS/*" "$@"
}

running() { pid_of "$PIDFILE" "$CONFIG" >/dev/null; }
healthy() { running && port_in_use "$KAFKA_PORT"; }
started() { grep -qs 'Kafka Server started' "$STATE/logs/server.log" && port_in_use "$KAFKA_PORT"; }
started_or_exited() { started || ! running; }

write_config() {
  sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$STATE/data#g" \
    "$STACK_FILES/kafka-server.properties" >"$CONFIG"
}

# format_storage: KRaft needs a formatted log dir with a cluster id (16 random bytes, URL-safe
# base64 without padding; generated here instead of paying for a `StorageTool random-uuid` JVM).
format_storage() {
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"
  log "formatting storage in $STATE/data (cluster id $cluster_id)"
  tool kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" >"$STATE/logs/format.log" 2>&1 \
    || { show_log "$STATE/logs/format.log"; die "formatting failed"; }
}

start() {
  lock_state "$STATE"
  if running; then
    wait_until "$KAFKA_START_TIMEOUT" healthy || die "pid $(cat "$PIDFILE") runs but does not answer on $BOOTSTRAP"
    log "already running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"
    echo "$BOOTSTRAP"
    return 0
  fi
  install
  require_free_port "$KAFKA_PORT" KAFKA_PORT
  require_free_port "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  mkdir -p "$STATE/data" "$STATE/logs"
  write_config
  [[ -f $STATE/data/meta.properties ]] || format_storage
  [[ ! -f $STATE/logs/server.log ]] || mv "$STATE/logs/server.log" "$STATE/logs/server.log.previous"

  log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP"
  start_daemon "$PIDFILE" "$STATE/logs/stdout.log" \
    "$(java_home)/bin/java" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$STATE/logs" -Dlog4j2.configurationFile="$STACK_FILES/kafka-log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG"

  if ! wait_until "$KAFKA_START_TIMEOUT" started_or_exited || ! started; then
    show_log "$STATE/logs/stdout.log"
    show_log "$STATE/logs/server.log"
    running || die "Kafka exited during start; logs are in $STATE/logs"
    log "not ready after ${KAFKA_START_TIMEOUT}s; stopping it"
    stop_pidfile "$PIDFILE" "$CONFIG" 30 || true
    die "Kafka did not become ready; logs are in $STATE/logs"
  fi
  log "ready (pid $(cat "$PIDFILE")) at $BOOTSTRAP"
  echo "$BOOTSTRAP"
}

stop() {
  lock_state "$STATE"
  if stop_pidfile "$PIDFILE" "$CONFIG" 60; then
    log "stopped"
  else
    log "not running"
  fi
}

status() {
  if healthy; then
    log "running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"
  elif running; then
    log "pid $(cat "$PIDFILE") is running but not answering on $BOOTSTRAP"
    exit 3
  else
    log "not running"
    exit 3
  fi
}

create_topic() {
  local name="${1:-}" partitions=1 extra=()
  [[ -n $name && $name != -* ]] || die "usage: $0 create-topic NAME [--partitions N] [--compact] [--config KEY=VALUE]..."
  shift
  while (($#)); do
    case $1 in
      --partitions) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--partitions needs a number"; partitions=$2; shift 2 ;;
      --compact) extra+=(--config cleanup.policy=compact); shift ;;
      --config) [[ ${2:-} == *=* ]] || die "--config needs KEY=VALUE"; extra+=(--config "$2"); shift 2 ;;
      *) die "unknown option for create-topic: $1" ;;
    esac
  done
  healthy || die "Kafka is not running; start it with: $0 start"
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1 "${extra[@]}" >/dev/null
  log "topic $name exists"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  create-topic) shift; create_topic "$@" ;;
  bootstrap) echo "$BOOTSTRAP" ;;
  install) install ;;
  tool) shift; [[ $# -gt 0 ]] || die "usage: $0 tool CLASS [ARGS...]"; tool "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
