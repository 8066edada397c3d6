#!/usr/bin/env bash
# Publishes an exclusion set to the compacted control topic, or shows what the topic holds.
#   scripts/exclusions.sh publish FILE [--bootstrap-servers B] [--topic T] [--properties-file F] [--force]
#   scripts/exclusions.sh show [--bootstrap-servers B] [--topic T] [--properties-file F]
# Brokers default to $KAFKA_BOOTSTRAP, else the local scripts/kafka.sh broker. --help lists every option.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
with_kafka_bootstrap "$@"
run_main io.sshdnetcon.tools.ExclusionsTool "${KAFKA_TOOL_ARGS[@]}"
