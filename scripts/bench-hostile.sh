#!/usr/bin/env bash
# Worst per-record cost of hostile input: times the parser (and, for a qualifying pair, the alert
# builder) on every case of the test corpus HostileCorpus, one thread, after a warm-up, and prints
# per case the hostile record's size, the outcome, and the median and maximum microseconds per
# pair, with the cost of normal fleet events first for comparison.
#   scripts/bench-hostile.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"

case "${1:-}" in
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) log "unknown option $1"; exit 2 ;;
esac
# A fixed heap, so the numbers do not depend on the machine's memory.
SSHDNETCON_JAVA_OPTS="${SSHDNETCON_JAVA_OPTS:--Xms2g -Xmx2g}" \
  run_test_main io.sshdnetcon.testing.HostileInputBench
