#!/usr/bin/env bash
# Detection latency at a steady fleet rate, on the local stack: Kafka 4.2.0, Elasticsearch 8.19.21
# and a standalone Flink 2.2.1 cluster with 2 TaskManagers (job parallelism 2). Generates fleet
# traffic whose event time runs at the sending rate, with planted attacks, sends it into a
# 4-partition topic that stamps every record with its append time, and watches Elasticsearch for
# the alerts (a search every 100 ms). For each alert, latency is from its connection's Kafka
# append time (the connection's @timestamp plus detection.network_arrival_delay_ms) to the moment
# a search first returns it. Prints p50, p99 and the maximum, the part of it spent before the
# alert was built (event.created), and the job's own detection_latency_ms histogram (Prometheus).
#
#   scripts/bench-latency.sh [--rate EVENTS_PER_S] [--hosts H] [--seconds S] [--seed N]
#                            [--set KEY=VALUE]...
#
# Defaults: 20,000 events/s from 2,000 hosts for 90 s. --set adds a job option (repeatable). The
# alerts of the last B + 3 s of traffic (B = detector.max-out-of-orderness) have no later traffic
# to move their hosts' time, so they wait for the idle flush (detector.idleness): they are counted
# and shown apart, not in the steady-state figures. Stops what it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="latency: "

rate=20000 hosts=2000 seconds=90 seed=5
extra_options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --set) [[ $2 == *=* ]] || die "--set needs KEY=VALUE"; extra_options+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option $1 (see --help)"; exit 2 ;;
  esac
done

cluster="$REPO_ROOT/scripts/flink-cluster.sh"
run="latency$(date +%s)"
work=$(mktemp -d "/tmp/sshdnetcon-$run.XXXX")
job="" probe=""
cleanup() {
  if [[ -n "$probe" ]]; then kill "$probe" 2>/dev/null || true; fi
  if [[ -n "$job" ]]; then "$cluster" cancel "$job" >/dev/null 2>&1 || true; fi
  stop_started
  rm -rf "$work"
}
trap cleanup EXIT

ensure_job_jar
jar=$JOB_JAR
ensure_built
start_stack_and_cluster

topic="sshd-netcon-events-$run"
"$REPO_ROOT/scripts/kafka.sh" create-topic "$topic" --partitions 4 \
  --config message.timestamp.type=LogAppendTime >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-exclusions-$run" --compact >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-dead-letters-$run" --partitions 1 >/dev/null

cat >"$work/job.properties" <<EOF
kafka.bootstrap-servers: $KAFKA_BOOTSTRAP
kafka.events-topics: $topic
kafka.group-id: $run
kafka.starting-offsets: earliest
kafka.exclusions-topic: sshd-netcon-exclusions-$run
kafka.dead-letter-topic: sshd-netcon-dead-letters-$run
es.hosts: $ES_URL
es.namespace: $run
es.template.replicas: 0
EOF
for option in "${extra_options[@]}"; do
  echo "${option%%=*}: ${option#*=}" >>"$work/job.properties"
done
job=$("$cluster" submit "$jar" -p 2 -- --config "$work/job.properties" 2>"$work/submit.log" | sed -n 's/^job-id: //p')
[[ -n "$job" ]] || { cat "$work/submit.log" >&2; die "submit failed"; }
bound_ms=$(awk -F': *' '$1 == "detector.max-out-of-orderness" { print $2 }' "$work/job.properties")
bound_ms=$(python3 -c "import re,sys; s=sys.argv[1] or '5 s'; n,u=re.match(r'\s*(\d+)\s*(ms|s|min)?\s*$',s).groups(); print(int(n)*{'ms':1,None:1,'s':1000,'min':60000}[u])" "$bound_ms")

# Event time starts when sending begins and runs at the sending rate. The generator's activities
# trail off after the bulk of the traffic (a sparse tail of late process events), so it makes a
# quarter more than needed and the traffic is cut at START + S of event time.
events=$((rate * seconds * 5 / 4))
lead=$((events / 20000 + 40))
start_s=$(( $(date +%s) + lead ))
start=$(date -u -d "@$start_s" +%Y-%m-%dT%H:%M:%SZ)
"$REPO_ROOT/scripts/generate-fleet.sh" --events "$events" --hosts "$hosts" --seed "$seed" \
  --events-per-second "$rate" --start "$start" --attacks $((events / 15000 + 1)) \
  --out "$work/generated.ndjson" 2>/dev/null
cut_at=$(date -u -d "@$((start_s + seconds))" +%Y-%m-%dT%H:%M:%S)
awk -v cut="$cut_at" '{ if (match($0, /"@timestamp":"[^"]+"/) && substr($0, RSTART + 14, 19) >= cut) exit; print }' \
  "$work/generated.ndjson" >"$work/fleet.ndjson"
rm -f "$work/generated.ndjson"
events=$(wc -l <"$work/fleet.ndjson")
"$REPO_ROOT/scripts/replay.sh" --events "$work/fleet.ndjson" --alerts "$work/expected.ndjson" 2>/dev/null
expected=$(wc -l <"$work/expected.ndjson")
log "job $job at parallelism 2; $events events from $hosts hosts at $rate/s, $expected alerts expected"

data_stream="logs-sshdnetcon.alerts-$run"
python3 - "$ES_URL/$data_stream" "$expected" "$work/seen.tsv" <<'EOF' &
import json, sys, time, urllib.request
url, expected, out = sys.argv[1] + "/_search", int(sys.argv[2]), sys.argv[3]
body = json.dumps({"size": 10000, "_source": ["@timestamp", "event.id", "event.created",
                   "detection.network_arrival_delay_ms"]}).encode()
seen = {}
deadline = time.time() + 3600
with open(out, "w") as f:
    while len(seen) < expected and time.time() < deadline:
        t = time.time()
        try:
            req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
            hits = json.load(urllib.request.urlopen(req, timeout=5))["hits"]["hits"]
        except Exception:
            hits = []
        for h in hits:
            if h["_id"] not in seen:
                seen[h["_id"]] = t
                s = h["_source"]
                f.write("\t".join([h["_id"], repr(t), s["@timestamp"], s["event"]["created"],
                                   str(s["detection"].get("network_arrival_delay_ms", ""))]) + "\n")
                f.flush()
        time.sleep(max(0.0, 0.1 - (time.time() - t)))
EOF
probe=$!

late_s=$(( $(date +%s) - start_s ))
if (( late_s < 0 )); then
  sleep "$(( -late_s ))"
  late_s=0
fi
log "sending for ${seconds} s (event time ${late_s} s behind the clock)"
"$REPO_ROOT/scripts/produce-events.sh" --events "$work/fleet.ndjson" --topic "$topic" \
  --bootstrap-servers "$KAFKA_BOOTSTRAP" --rate "$rate" >"$work/produce.out" 2>"$work/produce.log"
log "sent: $(tail -n 1 "$work/produce.out")"
deadline=$((SECONDS + 120))
while kill -0 "$probe" 2>/dev/null && (( SECONDS < deadline )); do sleep 2; done
kill "$probe" 2>/dev/null || true
probe=""

metrics=$(for port in 9250 9251 9252; do curl -sf "localhost:$port/metrics" 2>/dev/null || true; done \
  | grep "^flink_taskmanager_job_task_operator_sshdnetcon_detection_latency_ms" | grep "job_id=\"$job\"" || true)
python3 - "$work/seen.tsv" "$expected" "$bound_ms" "$rate" "$hosts" "$seconds" <<'EOF'
import sys
from datetime import datetime
seen_file, expected, bound, rate, hosts, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:]
ms = lambda iso: datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000
rows = []
for line in open(seen_file):
    _id, seen, ts, created, delay = line.rstrip("\n").split("\t")
    append = ms(ts) + int(delay)
    rows.append((append, float(seen) * 1000 - append, ms(created) - append))
if not rows:
    sys.exit("latency: no alert was found in Elasticsearch")
last_append = max(r[0] for r in rows)
steady = [r for r in rows if r[0] <= last_append - bound - 3000]
tail = [r for r in rows if r[0] > last_append - bound - 3000]
def q(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p * len(values) + 0.5)) - 1))]
def line(name, values):
    return f"| {name} | {q(values, .5):,.0f} | {q(values, .99):,.0f} | {max(values):,.0f} |"
print(f"latency: {len(rows)} of {expected} alerts seen; {len(steady)} steady, {len(tail)} at the end of the traffic")
print(f"\n{rate} events/s from {hosts} hosts for {seconds} s; out-of-orderness bound {bound} ms "
      f"(target: p99 <= {bound + 1000} ms)\n")
print("| ms, steady alerts | p50 | p99 | max |")
print("|---|---:|---:|---:|")
print(line("Kafka append -> searchable in Elasticsearch", [r[1] for r in steady]))
print(line("Kafka append -> alert built (event.created)", [r[2] for r in steady]))
if tail:
    print(line("end of traffic: append -> searchable", [r[1] for r in tail]))
EOF
echo
echo "the job's detection_latency_ms (alert time minus the connection's @timestamp), per subtask:"
if [[ -n "$metrics" ]]; then
  sed -n 's/.*subtask_index="\([0-9]*\)".*quantile="\([0-9.]*\)".* \([0-9.eE+-]*\)$/  subtask \1 quantile \2: \3 ms/p' <<<"$metrics" | sort
else
  echo "  (no Prometheus reporter answered on ports 9250-9252)"
fi
