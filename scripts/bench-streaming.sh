#!/usr/bin/env bash
# Kafka -> job -> Elasticsearch throughput: loads a generated fleet corpus into a fresh 4-partition
# topic on the local Kafka, runs the streaming job as a bounded backfill (kafka.stop-at-latest) on
# an embedded Flink writing to the local Elasticsearch, and checks that Elasticsearch holds exactly
# the alerts replay mode finds. Prints the job's summary and "bench: N events/s". With
# --with-consumer it first times Kafka's own ConsumerPerformance on the same topic and prints
# "consumer: N events/s" (records fetched per second, the group's join excluded). --validate sets
# detector.validate (all, the default, or candidates); --set adds any job option (repeatable), for
# tuning experiments such as --set kafka.properties-file=FILE.
#   scripts/bench-streaming.sh [--events N] [--hosts H] [--parallelism P] [--with-consumer]
#                              [--validate all|candidates] [--set KEY=VALUE]...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="bench: "

events=1000000 hosts=500 parallelism=2 with_consumer=false validate=all
extra_options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --parallelism) parallelism=$2; shift 2 ;;
    --with-consumer) with_consumer=true; shift ;;
    --validate) validate=$2; shift 2 ;;
    --set) [[ $2 == *=* ]] || die "--set needs KEY=VALUE"; extra_options+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option $1"; exit 2 ;;
  esac
done

corpus=$(bench_corpus "$events" "$hosts")
ensure_built
eval "$("$REPO_ROOT/scripts/stack.sh" start)"
run="bench$(date +%s)"
topic="sshd-netcon-events-$run"
cleanup() {
  "$REPO_ROOT/scripts/kafka.sh" tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --delete --topic "sshd-netcon-.*-$run" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$REPO_ROOT/scripts/kafka.sh" create-topic "$topic" --partitions 4 >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-exclusions-$run" --compact >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-dead-letters-$run" --partitions 1 >/dev/null
"$REPO_ROOT/scripts/produce-events.sh" --events "$corpus" --topic "$topic" \
  --bootstrap-servers "$KAFKA_BOOTSTRAP" 2>&1 | tail -n 1 >&2

if [[ $with_consumer == true ]]; then
  records=$("$REPO_ROOT/scripts/kafka.sh" tool org.apache.kafka.tools.GetOffsetShell \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "$topic" | awk -F: '{n += $3} END {print n}')
  # CSV: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s
  perf=$("$REPO_ROOT/scripts/kafka.sh" tool org.apache.kafka.tools.ConsumerPerformance \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "$topic" --num-records "$records" \
    --group "$run-consumer-perf" --timeout 120000 --hide-header 2>/dev/null | tail -n 1)
  rate=$(awk -F', *' '{printf "%d", $10}' <<<"$perf")
  [[ -n "$rate" && "$rate" != 0 ]] || die "ConsumerPerformance printed no rate: $perf"
  echo "consumer: $rate events/s (Kafka's ConsumerPerformance, $records records, 1 consumer)"
fi

expected=$("$REPO_ROOT/scripts/replay.sh" --events "$corpus" --alerts /dev/stdout 2>/dev/null | wc -l)
conf=$(mktemp)
cat >"$conf" <<CONF
kafka.bootstrap-servers: $KAFKA_BOOTSTRAP
kafka.events-topics: $topic
kafka.group-id: $run
kafka.starting-offsets: earliest
kafka.stop-at-latest: true
kafka.exclusions-topic: sshd-netcon-exclusions-$run
kafka.dead-letter-topic: sshd-netcon-dead-letters-$run
es.hosts: $ES_URL
es.namespace: $run
es.template.replicas: 0
parallelism.default: $parallelism
execution.checkpointing.interval: 10s
detector.validate: $validate
CONF
for option in "${extra_options[@]}"; do
  echo "${option%%=*}: ${option#*=}" >>"$conf"
done
line=$( (run_main io.sshdnetcon.job.StreamingJob --config "$conf") 2>&1 | grep '^backfill:' )
rm -f "$conf"
echo "$line"
curl -sf "$ES_URL/logs-sshdnetcon.alerts-$run/_refresh" >/dev/null || true
stored=$(curl -sf "$ES_URL/logs-sshdnetcon.alerts-$run/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
echo "alerts: $stored in Elasticsearch, $expected from replay mode"
[[ "$stored" == "$expected" ]] || { log "alert sets differ"; exit 1; }
echo "bench: ${line##*events_per_s=} events/s while reading (Kafka -> job -> Elasticsearch, $events events, parallelism $parallelism, validate $validate, $(nproc) cores)"
