#!/usr/bin/env bash
# JMH microbenchmarks (src/test/java/io/sshdnetcon/bench): the parser per record kind, next to a
# Jackson walk over every token of the same records. Arguments go to JMH (for example a benchmark
# regex, -f forks, -i iterations, -prof gc); the default is a short run of every benchmark.
#   scripts/bench-jmh.sh [JMH ARGS...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/project.sh"
LOG_PREFIX="bench-jmh: "

if [[ $# -eq 0 ]]; then
  set -- 'io\.sshdnetcon\.bench\..*' -f 1 -wi 3 -w 2s -i 5 -r 2s
fi
run_test_main org.openjdk.jmh.Main "$@"
