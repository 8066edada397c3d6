#!/usr/bin/env bash
# The throughput benchmark in one run, on one generated fleet corpus (cached under target/bench):
#   - baselines on one thread: reading every line through replay's reader and discarding it, and a
#     Jackson streaming walk over every token of every line (ReadBaselinesTool);
#   - replay at parallelism 1 and at every core, validating every record (detector.validate: all)
#     and only what the byte prefilter lets through (candidates);
#   - Kafka: Kafka's own ConsumerPerformance and the streaming job (Kafka -> job -> Elasticsearch,
#     bounded backfill, every core, both validation modes) on the same 4-partition topic
#     (scripts/bench-streaming.sh).
# Prints a table of events/s with the ratios the performance targets are stated in. The job rates
# are the summaries' reading_events_per_s: records over the time from the first record read to the
# last, so neither the embedded cluster's start nor a backfill's final checkpoint counts. The
# default corpus is 3,000,000 events (4.5 GB): on shorter ones most of the CPU goes to the JIT
# compiler warming up, not to the pipeline.
#   scripts/bench.sh [--events N] [--hosts H] [--no-kafka]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="bench: "

events=3000000 hosts=500 kafka=true
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
  "$REPO_ROOT/scripts/replay.sh" --events "$corpus" --alerts /dev/null --parallelism "$1" \
    --validate "$2" 2>&1 >/dev/null | grep '^replay:' | tee /dev/stderr | rate_of
}
declare -A replay1 replayn streaming
for mode in all candidates; do
  log "replay, parallelism 1, validate $mode"
  replay1[$mode]=$(replay_rate 1 "$mode")
  log "replay, parallelism $cores, validate $mode"
  replayn[$mode]=$(replay_rate "$cores" "$mode")
done

consumer=""
if [[ $kafka == true ]]; then
  for mode in all candidates; do
    log "Kafka: the streaming job, parallelism $cores, validate $mode"
    extra=()
    [[ $mode == all ]] && extra=(--with-consumer)
    out=$("$REPO_ROOT/scripts/bench-streaming.sh" --events "$events" --hosts "$hosts" \
      --parallelism "$cores" --validate "$mode" "${extra[@]}")
    echo "$out" >&2
    [[ $mode == all ]] && consumer=$(sed -n 's/^consumer: \([0-9]*\) events.*/\1/p' <<<"$out")
    streaming[$mode]=$(sed -n 's/^bench: \([0-9]*\) events.*/\1/p' <<<"$out")
  done
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
for mode in all candidates; do
  row "replay, parallelism 1, validate $mode" "${replay1[$mode]}" "$(ratio "${replay1[$mode]}" "$tokens") x the token walk (target 2)"
  row "replay, parallelism $cores, validate $mode" "${replayn[$mode]}" "$(ratio "${replayn[$mode]}" "${replay1[$mode]}") x parallelism 1 (target 1.8)"
done
if [[ $kafka == true ]]; then
  row "Kafka ConsumerPerformance, same topic, 1 consumer" "$consumer" ""
  for mode in all candidates; do
    row "Kafka -> job -> Elasticsearch, parallelism $cores, validate $mode" "${streaming[$mode]}" "$(ratio "${streaming[$mode]}" "$consumer") x the consumer (target 0.6)"
  done
fi
