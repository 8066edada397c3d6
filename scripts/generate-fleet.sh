#!/usr/bin/env bash
# Generates a deterministic Elastic Defend fleet corpus (NDJSON) with planted attacks and near misses.
# Builds the project on first use (scripts/lib/project.sh).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/generate-fleet.sh --events N --hosts H --seed S --out FILE|- [options]

Builds the project if needed, then runs io.sshdnetcon.fleet.FleetGeneratorMain with these arguments.

  --events N              clean events to write (required)
  --hosts H               fleet size, at least 2 (required)
  --seed S                random seed; the same arguments give the same bytes (required)
  --out FILE|-            output file, or - for stdout (required)
  --gzip                  gzip the output
  --start ISO-8601        event time of the first event (default 2026-03-02T08:00:00Z)
  --events-per-second R   event-time density across the fleet (default 500)
  --attacks K             planted attack sequences, each with 3 near misses (default N/20000, min 1)
  --disorder-ms D         deliver out of order, never more than D ms behind the latest line (default 0)
  --duplicates RATE       share of events delivered twice, 0..1 (default 0)
  --malformed RATE        extra malformed lines per event, 0..1 (default 0)
  --skewed-hosts K        K Linux hosts (chosen by seed) whose clock is off all along ...
  --skew-ms S             ... by S ms: @timestamp = true time + S (S < 0: behind)
  --delayed-hosts K       K Linux hosts whose agent is offline for D ms, online for D ms, ...
  --delay-ms D            ... and so on; on return it flushes what it held, so lines arrive
                          up to D ms late, in bursts (their @timestamps are right)
  --stepping-hosts K      K Linux hosts whose clock jumps halfway through the stream ...
  --step-ms S             ... by S ms (S < 0: steps back)
  --help                  show this help

A one-line summary goes to stderr. Exit codes: 0 ok, 1 I/O error, 2 bad arguments.
Example: scripts/generate-fleet.sh --events 1000000 --hosts 200 --seed 1 --out /tmp/fleet.ndjson.gz --gzip
EOF
}

for arg in "$@"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
    usage
    exit 0
  fi
done

source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
# Runs in the caller's directory, so a relative --out lands where the caller expects.
run_main io.sshdnetcon.fleet.FleetGeneratorMain "$@"
