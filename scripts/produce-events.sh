#!/usr/bin/env bash
# Streams an NDJSON file of ECS events (.gz allowed, - for stdin) into the events topic, one record
# per line, keyed by host.id; prints records, bytes, seconds and records/s at the end.
#   scripts/produce-events.sh --events FILE|- [--bootstrap-servers B] [--topic T] [--rate EVENTS_PER_S]
#                             [--properties-file F]
# Brokers default to $KAFKA_BOOTSTRAP, else the local scripts/kafka.sh broker. --help lists every option.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
with_kafka_bootstrap "$@"
run_main io.sshdnetcon.tools.ProduceEventsTool "${KAFKA_TOOL_ARGS[@]}"
