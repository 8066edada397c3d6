#!/usr/bin/env bash
# Replay mode: runs the detector on an embedded Flink over an NDJSON file of ECS events and writes
# one alert document per line. No cluster, Kafka or Elasticsearch needed.
#   scripts/replay.sh --events FILE|- --alerts FILE|- [--dead-letter FILE] [--late FILE]
#                     [--max-out-of-orderness-ms N] [--exclusions FILE] [--parallelism N]
# Builds the project on first use. --help lists every option.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
run_main io.sshdnetcon.job.ReplayJob "$@"
