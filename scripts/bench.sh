#!/usr/bin/env bash
# The throughput benchmark in one run, on one generated fleet corpus (cached under target/bench):
#   - baselines on one thread: reading every line through replay's reader and discarding it, and a
#     Jackson streaming walk over every token of every line (ReadBaselinesTool);
#   - replay at parallelism 1 and at every core;
#   - Kafka: Kafka's own ConsumerPerformance and the streaming job (Kafka -> job -> Elasticsearch,
#     bounded backfill, every core) on the same 4-partition topic (scripts/bench-streaming.sh).
# Prints a table of events/s with the ratios the performance targets are stated in.
#   scripts/bench.sh [--events N] [--hosts H] [--no-kafka]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="bench: "

events=300000 hosts=500 kafka=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --no-kafka) kafka=false; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) log "unknown option $1"; exit 2 ;;
  esac
done

cores=$(nproc)
corpus=$(bench_corpus "$events" "$hosts")
ensure_built
rate_of() { sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p' | tail -n 1; }

log "baselines (one thread) on $corpus"
baselines=$(run_main io.sshdnetcon.tools.ReadBaselinesTool --events "$corpus")
echo "$baselines" >&2
lines=$(grep '^baseline: lines' <<<"$baselines" | rate_of)
tokens=$(grep '^baseline: tokens' <<<"$baselines" | rate_of)

replay_rate() {
  "$REPO_ROOT/scripts/replay.sh" --events "$corpus" --alerts /dev/null --parallelism "$1" 2>&1 >/dev/null \
    | grep '^replay:' | tee /dev/stderr | rate_of
}
log "replay, parallelism 1"
replay1=$(replay_rate 1)
log "replay, parallelism $cores"
replayn=$(replay_rate "$cores")

consumer="" streaming=""
if [[ $kafka == true ]]; then
  log "Kafka: plain consumer, then the streaming job, parallelism $cores"
  out=$("$REPO_ROOT/scripts/bench-streaming.sh" --events "$events" --hosts "$hosts" \
    --parallelism "$cores" --with-consumer)
  echo "$out" >&2
  consumer=$(sed -n 's/^consumer: \([0-9]*\) events.*/\1/p' <<<"$out")
  streaming=$(sed -n 's/^bench: \([0-9]*\) events.*/\1/p' <<<"$out")
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
row() { printf '| %-58s | %10s | %-34s |\n' "$1" "$2" "$3"; }
echo
echo "Corpus: $events events, $hosts hosts, $(du -h "$corpus" | cut -f1) ($corpus); $cores cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
row "what" "events/s" "ratio"
row "---" "---:" "---"
row "read and discard, replay's line reader, 1 thread" "$lines" ""
row "Jackson streaming, every token of every line, 1 thread" "$tokens" ""
row "replay, parallelism 1" "$replay1" "$(ratio "$replay1" "$tokens") x the token walk (target 2)"
row "replay, parallelism $cores" "$replayn" "$(ratio "$replayn" "$replay1") x parallelism 1 (target 1.8)"
if [[ $kafka == true ]]; then
  row "Kafka ConsumerPerformance, same topic, 1 consumer" "$consumer" ""
  row "Kafka -> job -> Elasticsearch, parallelism $cores" "$streaming" "$(ratio "$streaming" "$consumer") x the consumer (target 0.6)"
fi
