#!/usr/bin/env bash
# End-to-end demo on real servers: starts Kafka 4.2.0 and Elasticsearch 8.19.21 (from Maven
# Central, no Docker), creates the topics, runs the streaming job on an embedded Flink, streams
# generated fleet traffic with attacks and near misses through Kafka, waits for the alerts,
# queries Elasticsearch and prints them. Last line: "alerts in elasticsearch: N".
#
#   scripts/demo.sh [--events N] [--hosts H] [--attacks K] [--seed S] [--keep]
#
# --keep leaves the servers (and the job's data) running for exploration; otherwise the demo
# stops the job and every server it started itself. Each run uses its own topics and data stream.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="demo: "

events=20000 hosts=50 attacks=5 seed=7 keep=false timeout=180
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --attacks) attacks=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option $1 (see --help)"; exit 2 ;;
  esac
done

run="demo$(date +%s)"
work=$(mktemp -d "/tmp/sshdnetcon-$run.XXXX")
job_pid=""
started=()

cleanup() {
  if [[ -n "$job_pid" ]] && kill -0 "$job_pid" 2>/dev/null; then
    kill "$job_pid" 2>/dev/null || true
    wait "$job_pid" 2>/dev/null || true
  fi
  if [[ "$keep" == false ]]; then
    for script in "${started[@]}"; do
      "$REPO_ROOT/scripts/$script" stop >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT

# 1. Real servers. Remember which ones this demo starts, to stop only those.
for script in kafka.sh elasticsearch.sh; do
  "$REPO_ROOT/scripts/$script" status >/dev/null 2>&1 || started+=("$script")
done
log "starting Kafka and Elasticsearch (first run downloads them from Maven Central)"
eval "$("$REPO_ROOT/scripts/stack.sh" start)"
log "Kafka at $KAFKA_BOOTSTRAP, Elasticsearch at $ES_URL"

# 2. Topics of this run.
events_topic="sshd-netcon-events-$run"
exclusions_topic="sshd-netcon-exclusions-$run"
dead_letter_topic="sshd-netcon-dead-letters-$run"
"$REPO_ROOT/scripts/kafka.sh" create-topic "$events_topic" --partitions 4 >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "$exclusions_topic" --compact >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "$dead_letter_topic" --partitions 1 >/dev/null

# 3. Fleet traffic, and the alerts replay mode finds in it (what Elasticsearch must end up with).
log "generating $events events from $hosts hosts with $attacks attacks"
"$REPO_ROOT/scripts/generate-fleet.sh" --events "$events" --hosts "$hosts" --seed "$seed" \
  --attacks "$attacks" --disorder-ms 1000 --duplicates 0.01 --malformed 0.001 \
  --out "$work/events.ndjson" 2>"$work/generate.log"
"$REPO_ROOT/scripts/replay.sh" --events "$work/events.ndjson" --alerts "$work/expected.ndjson" \
  2>"$work/replay.log"
expected=$(wc -l <"$work/expected.ndjson")
log "replay mode finds $expected alerts in this traffic"

# 4. The streaming job on an embedded Flink.
cat >"$work/job.properties" <<EOF
kafka.bootstrap-servers: $KAFKA_BOOTSTRAP
kafka.events-topics: $events_topic
kafka.group-id: sshd-netcon-$run
kafka.starting-offsets: earliest
kafka.exclusions-topic: $exclusions_topic
kafka.dead-letter-topic: $dead_letter_topic
es.hosts: $ES_URL
es.namespace: $run
es.template.replicas: 0
detector.idleness: 3s
parallelism.default: 2
execution.checkpointing.interval: 5s
EOF
log "starting the streaming job (log: $work/job.log)"
( run_main io.sshdnetcon.job.StreamingJob --config "$work/job.properties" ) >"$work/job.log" 2>&1 &
job_pid=$!

# 5. Stream the traffic through Kafka.
"$REPO_ROOT/scripts/produce-events.sh" --events "$work/events.ndjson" --topic "$events_topic" \
  --bootstrap-servers "$KAFKA_BOOTSTRAP" 2>"$work/produce.log" >&2
log "$(tail -n 1 "$work/produce.log")"

# 6. Wait until Elasticsearch holds every alert.
data_stream="logs-sshdnetcon.alerts-$run"
count() {
  curl -sf "$ES_URL/$data_stream/_count" 2>/dev/null | sed -n 's/.*"count":\([0-9]*\).*/\1/p' || true
}
deadline=$((SECONDS + timeout))
n=0
while (( SECONDS < deadline )); do
  kill -0 "$job_pid" 2>/dev/null || { tail -n 30 "$work/job.log" >&2; log "the job stopped"; exit 1; }
  n=$(count); n=${n:-0}
  (( n >= expected )) && break
  sleep 2
done

# 7. Show them.
curl -sf "$ES_URL/$data_stream/_refresh" >/dev/null || true
curl -sf "$ES_URL/$data_stream/_search?size=100&sort=@timestamp:asc" -H 'Content-Type: application/json' \
  >"$work/alerts.json" || echo '{}' >"$work/alerts.json"
python3 - "$work/alerts.json" <<'EOF' || true
import json, sys
hits = json.load(open(sys.argv[1])).get("hits", {}).get("hits", [])
row = "{:<24} {:<18} {:<8} {:<18} {:<26} {:>7}"
print(row.format("@timestamp", "host", "user", "process", "destination", "span ms"))
for h in hits:
    s = h["_source"]
    dest = f'{s.get("destination", {}).get("ip", "?")}:{s.get("destination", {}).get("port", "?")}'
    print(row.format(s["@timestamp"], s.get("host", {}).get("name", "?")[:18],
                     str(s.get("user", {}).get("name", "?"))[:8],
                     str(s.get("process", {}).get("executable", "?"))[-18:], dest[:26],
                     s.get("detection", {}).get("sequence_span_ms", "?")))
EOF
n=$(count); n=${n:-0}
if [[ "$keep" == true ]]; then
  log "kept running: job pid $job_pid, data stream $data_stream, topics *-$run, files in $work"
  job_pid=""
fi
status=0
if (( n != expected )); then
  log "expected $expected alerts (replay mode), Elasticsearch holds $n; see $work"
  status=1
fi
echo "alerts in elasticsearch: $n"
exit "$status"
