#!/usr/bin/env bash
# End-to-end test on real servers: Kafka 4.2.0, Elasticsearch 8.19.21 and a standalone Flink 2.2.1
# session cluster with 2 TaskManagers, all from Maven Central. Streams generated fleet traffic
# through the job, upgrades the job mid-stream through a savepoint to a new parallelism while an
# exec is pending whose connection arrives only after the restore, and checks that Elasticsearch
# holds exactly the alerts replay mode finds in the same traffic.
#
#   scripts/e2e.sh [--events N] [--hosts H] [--seed S] [--keep]
#
# Last line: "e2e: OK <alerts> alerts, <lost> lost, <duplicates> duplicates"; exit status non-zero
# on any difference. Stops the job and every server or cluster it started (unless --keep).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="e2e: "

events=20000 hosts=40 seed=11 keep=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option $1 (see --help)"; exit 2 ;;
  esac
done

# fail MESSAGE: like die, but also prints the result line ("e2e: FAILED ...") on stdout.
fail() { log "$*"; echo "e2e: FAILED $*"; exit 1; }
cluster="$REPO_ROOT/scripts/flink-cluster.sh"
run="e2e$(date +%s)"
work=$(mktemp -d "/tmp/sshdnetcon-$run.XXXX")
job=""

cleanup() {
  if [[ -n "$job" && "$keep" == false ]]; then
    "$cluster" cancel "$job" >/dev/null 2>&1 || true
  fi
  if [[ "$keep" == false ]]; then
    stop_started
  fi
}
trap cleanup EXIT

# 1. The job jar.
ensure_job_jar
jar=$JOB_JAR
ensure_built

# 2. Kafka, Elasticsearch and a cluster with 2 TaskManagers; remember what this run starts.
start_stack_and_cluster

events_topic="sshd-netcon-events-$run"
"$REPO_ROOT/scripts/kafka.sh" create-topic "$events_topic" --partitions 4 >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-exclusions-$run" --compact >/dev/null
"$REPO_ROOT/scripts/kafka.sh" create-topic "sshd-netcon-dead-letters-$run" --partitions 1 >/dev/null

# 3. Traffic, cut in two around a sequence that spans the upgrade: the exec E goes in before it,
#    followed by traffic up to E + 5.2 s of event time, so the watermark (newest - 5 s bound) has
#    passed E but not E + 500 ms; the connection N at E + 500 ms is sent after the restore and is
#    still on time. Replay of the same lines in the same order gives the expected alerts.
"$REPO_ROOT/scripts/generate-fleet.sh" --events "$events" --hosts "$hosts" --seed "$seed" --attacks 6 \
  --disorder-ms 1000 --duplicates 0.005 --malformed 0.001 --out "$work/fleet.ndjson" 2>/dev/null
python3 - "$work" <<'EOF'
import json, sys
from datetime import datetime, timedelta, timezone
work = sys.argv[1]
lines = open(f"{work}/fleet.ndjson", "rb").read().split(b"\n")
lines = [l for l in lines if l]
def ts(line):
    try:
        return datetime.fromisoformat(json.loads(line)["@timestamp"].replace("Z", "+00:00"))
    except Exception:
        return None
split = len(lines) // 2
tp = ts(lines[split]) + timedelta(seconds=2)
iso = lambda t: t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
def event(eid, t, category, action, process, extra):
    e = {"@timestamp": iso(t), "event": {"id": eid, "kind": "event", "category": [category],
         "type": ["start"], "action": action},
         "host": {"id": "e2e-upgrade-host", "name": "e2e-upgrade", "os": {"type": "linux"}},
         "process": process, "user": {"name": "mallory"}}
    e.update(extra)
    return json.dumps(e, separators=(",", ":")).encode()
exec_line = event("e2e-pending-exec", tp, "process", "exec",
    {"entity_id": "e2e-shell", "pid": 4100, "name": "bash", "executable": "/usr/bin/bash",
     "parent": {"entity_id": "e2e-sshd", "executable": "/usr/sbin/sshd", "name": "sshd"}}, {})
conn_line = event("e2e-pending-connect", tp + timedelta(milliseconds=500), "network",
    "connection_attempted",
    {"entity_id": "e2e-curl", "pid": 4101, "name": "curl", "executable": "/usr/bin/curl",
     "parent": {"entity_id": "e2e-shell", "executable": "/usr/bin/bash"}},
    {"destination": {"ip": "203.0.114.7", "port": 443}, "network": {"transport": "tcp"}})
cut = split
limit = tp + timedelta(milliseconds=5200)
while cut < len(lines) and (ts(lines[cut]) is None or ts(lines[cut]) <= limit):
    cut += 1
before = lines[:split] + [exec_line] + lines[split:cut]
after = [conn_line] + lines[cut:]
open(f"{work}/before.ndjson", "wb").write(b"\n".join(before) + b"\n")
open(f"{work}/after.ndjson", "wb").write(b"\n".join(after) + b"\n")
open(f"{work}/all.ndjson", "wb").write(b"\n".join(before + after) + b"\n")
EOF
"$REPO_ROOT/scripts/replay.sh" --events "$work/all.ndjson" --alerts "$work/expected.ndjson" 2>"$work/replay.log"
grep -q '"e2e-pending-connect"' "$work/expected.ndjson" || fail "replay does not alert on the pending sequence"
expected=$(wc -l <"$work/expected.ndjson")
log "traffic: $(wc -l <"$work/all.ndjson") lines; replay mode finds $expected alerts"

# 4. Version 1 of the job, parallelism 2.
cat >"$work/job.properties" <<EOF
kafka.bootstrap-servers: $KAFKA_BOOTSTRAP
kafka.events-topics: $events_topic
kafka.group-id: sshd-netcon-$run
kafka.starting-offsets: earliest
kafka.exclusions-topic: sshd-netcon-exclusions-$run
kafka.dead-letter-topic: sshd-netcon-dead-letters-$run
es.hosts: $ES_URL
es.namespace: $run
es.template.replicas: 0
detector.max-out-of-orderness: 5 s
detector.idleness: 2 min
EOF
job=$("$cluster" submit "$jar" -p 2 -- --config "$work/job.properties" 2>"$work/submit.log" | sed -n 's/^job-id: //p')
[[ -n "$job" ]] || { cat "$work/submit.log" >&2; fail "submit failed"; }
log "job $job running at parallelism 2"
"$REPO_ROOT/scripts/produce-events.sh" --events "$work/before.ndjson" --topic "$events_topic" \
  --bootstrap-servers "$KAFKA_BOOTSTRAP" >/dev/null 2>"$work/produce-before.log"

# 5. Wait until a checkpoint has committed every offset: the pending exec has been read and is
#    now only in the job's state (checkpoints every 10 s, flink-conf/config.yaml).
lag() {
  "$REPO_ROOT/scripts/kafka.sh" tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --group "sshd-netcon-$run" 2>/dev/null \
    | awk -v t="$events_topic" '$2 == t { if ($6 == "-") missing = 1; else sum += $6; n++ }
        END { if (n == 0 || missing) print -1; else print sum }'
}
deadline=$((SECONDS + 90))
until [[ "$(lag)" == 0 ]]; do
  (( SECONDS < deadline )) || fail "offsets not committed within 90 s (lag $(lag))"
  sleep 2
done
log "all traffic before the upgrade consumed and committed (lag 0)"

# 6. Upgrade: stop with a savepoint, run the new job from it at parallelism 3.
"$cluster" upgrade "$job" "$jar" -p 3 -- --config "$work/job.properties" >"$work/upgrade.out" 2>"$work/upgrade.log" \
  || { cat "$work/upgrade.log" >&2; fail "upgrade failed"; }
savepoint=$(sed -n 's/^savepoint: //p' "$work/upgrade.out")
job=$(sed -n 's/^job-id: //p' "$work/upgrade.out")
log "upgraded through $savepoint to job $job at parallelism 3"

# 7. The rest of the traffic, starting with the pending exec's connection.
"$REPO_ROOT/scripts/produce-events.sh" --events "$work/after.ndjson" --topic "$events_topic" \
  --bootstrap-servers "$KAFKA_BOOTSTRAP" >/dev/null 2>"$work/produce-after.log"

# 8. Wait for Elasticsearch to hold the expected number of alerts (idle partitions flush after
#    detector.idleness, so the last seconds of traffic complete too).
data_stream="logs-sshdnetcon.alerts-$run"
count() { curl -sf "$ES_URL/$data_stream/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
deadline=$((SECONDS + 240))
while (( SECONDS < deadline )); do
  n=$(count || true); n=${n:-0}
  (( n >= expected )) && break
  sleep 3
done
sleep 5 # anything arriving late would be a duplicate or an extra: give it the chance to show
curl -sf "$ES_URL/$data_stream/_refresh" >/dev/null
curl -sf "$ES_URL/$data_stream/_search?size=10000" -H 'Content-Type: application/json' >"$work/actual.json"

# 9. Metrics the cluster exposes (Prometheus reporter of each TaskManager).
metric() {
  for port in 9250 9251 9252; do curl -sf "localhost:$port/metrics" 2>/dev/null || true; done \
    | awk -v m="flink_taskmanager_job_task_operator_sshdnetcon_$1" '$1 ~ "^" m "[{]" && $0 ~ /job_id="'"$job"'"/ { s += $NF } END { printf "%d", s }'
}
log "metrics of the upgraded job (Prometheus): events_in=$(metric events_in) of $(wc -l <"$work/after.ndjson") lines sent after the upgrade, alerts=$(metric alerts), alerts_indexed=$(metric alerts_indexed)"
# The same counter as the web UI shows it (the JobManager's REST API, which fetches metrics from
# the TaskManagers lazily: poll until it has caught up with what Prometheus reports).
rest_metric() {
  python3 - "$job" "$1" <<'EOF_REST'
import json, sys, urllib.request
base, name = "http://localhost:18081/jobs/" + sys.argv[1], ".sshdnetcon." + sys.argv[2]
total = 0
for vertex in json.load(urllib.request.urlopen(base))["vertices"]:
    url = f"{base}/vertices/{vertex['id']}/metrics"
    ids = [m["id"] for m in json.load(urllib.request.urlopen(url)) if m["id"].endswith(name)]
    if ids:
        values = json.load(urllib.request.urlopen(url + "?get=" + ",".join(ids)))
        total += sum(int(float(v["value"])) for v in values)
print(total)
EOF_REST
}
prometheus_alerts=$(metric alerts)
for _ in $(seq 1 15); do
  rest_alerts=$(rest_metric alerts)
  [[ "$rest_alerts" == "$prometheus_alerts" ]] && break
  sleep 2
done
log "the web UI (REST API) shows alerts=$rest_alerts for the upgraded job"

# 10. Compare.
read -r alerts lost duplicates extra pending < <(python3 - "$work/expected.ndjson" "$work/actual.json" <<'EOF'
import json, sys
expected = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hits = json.load(open(sys.argv[2]))["hits"]["hits"]
pair = lambda d: (d["Events"][0]["event"]["id"], d["Events"][1]["event"]["id"])
want = {pair(d) for d in expected}
got = [pair(h["_source"]) for h in hits]
print(len(set(got)), len(want - set(got)), len(got) - len(set(got)), len(set(got) - want),
      int(("e2e-pending-exec", "e2e-pending-connect") in set(got)))
EOF
)
[[ "$pending" == 1 ]] || log "the sequence pending across the upgrade did not alert"
if [[ "$lost" != 0 || "$duplicates" != 0 || "$extra" != 0 || "$pending" != 1 || "$alerts" != "$expected" ]]; then
  log "files in $work"
  echo "e2e: FAILED $alerts alerts (expected $expected), $lost lost, $duplicates duplicates, $extra unexpected"
  exit 1
fi
rm -rf "$work"
echo "e2e: OK $alerts alerts, $lost lost, $duplicates duplicates"
