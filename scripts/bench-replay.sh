#!/usr/bin/env bash
# Replay throughput benchmark: generates a fleet corpus once (cached under target/bench) and times
# scripts/replay.sh on it. Prints the replay summary and one line "bench: N events/s".
#   scripts/bench-replay.sh [--events N] [--hosts H] [--parallelism P] [--runs R]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="bench: "

events=1000000 hosts=500 parallelism=2 runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --parallelism) parallelism=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) log "unknown option $1"; exit 2 ;;
  esac
done

corpus=$(bench_corpus "$events" "$hosts")
ensure_built
best=0
for ((i = 1; i <= runs; i++)); do
  line=$("$REPO_ROOT/scripts/replay.sh" --events "$corpus" --alerts /dev/null --parallelism "$parallelism" 2>&1 >/dev/null | grep '^replay:')
  echo "$line"
  rate=${line##*events_per_s=}
  (( rate > best )) && best=$rate
done
echo "bench: $best events/s (best of $runs, $events events, $(du -h "$corpus" | cut -f1) corpus, parallelism $parallelism, $(nproc) cores)"
