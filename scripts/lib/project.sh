# Shared by the scripts that run this project's Java code on a plain JVM (no cluster).
# Source it; it defines ROOT, ensure_built, run_main and run_test_main.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Flink's JDK 17 module flags (flink-dist config.yaml); the embedded cluster needs the same.
JDK17_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

_log() { printf '%s\n' "$*" >&2; }

# Compiles the project and records its runtime classpath (Flink included) on first use, and
# again whenever pom.xml or anything under src/ is newer than the last build.
ensure_built() {
  local stamp="$ROOT/target/.classpath-stamp"
  if [[ -f "$stamp" && -d "$ROOT/target/classes" ]] \
      && [[ -z "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { _log "error: Maven (mvn) is required to build the project"; exit 1; }
  _log "building the project (first run downloads dependencies from Maven Central)..."
  (cd "$ROOT" && mvn -B -q --strict-checksums -Dstyle.color=never -DskipTests compile dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile=target/classpath.txt) >&2
  touch "$stamp"
}

# run_main CLASS [ARGS...]: runs a main class of this project with its full classpath.
run_main() {
  local main=$1; shift
  ensure_built
  local java=java
  [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
  exec "$java" "${JDK17_OPENS[@]}" ${SSHDNETCON_JAVA_OPTS:-} \
    -Dlog4j.configurationFile="$ROOT/flink-conf/log4j-replay.properties" \
    -cp "$ROOT/target/classes:$(cat "$ROOT/target/classpath.txt")" "$main" "$@"
}

# Like ensure_built, for the test classes and the test classpath (benchmarks that reuse test
# builders). Rebuilds when pom.xml or anything under src/ changed.
ensure_test_built() {
  local stamp="$ROOT/target/.test-classpath-stamp"
  if [[ -f "$stamp" && -d "$ROOT/target/test-classes" ]] \
      && [[ -z "$(find "$ROOT/src" "$ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { _log "error: Maven (mvn) is required to build the project"; exit 1; }
  _log "building the project and its tests..."
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2
  touch "$stamp"
}

# run_test_main CLASS [ARGS...]: runs a main class of the test sources with the test classpath.
run_test_main() {
  local main=$1; shift
  ensure_test_built
  local java=java
  [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
  exec "$java" "${JDK17_OPENS[@]}" ${SSHDNETCON_JAVA_OPTS:-} \
    -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")" \
    "$main" "$@"
}

# with_kafka_bootstrap ARGS...: sets KAFKA_TOOL_ARGS to ARGS, plus --bootstrap-servers from
# $KAFKA_BOOTSTRAP (else the local scripts/kafka.sh broker) unless ARGS give it or ask for --help.
with_kafka_bootstrap() {
  KAFKA_TOOL_ARGS=("$@")
  local arg
  for arg in "$@"; do
    case $arg in --bootstrap-servers | --help | -h) return 0 ;; esac
  done
  KAFKA_TOOL_ARGS+=(--bootstrap-servers "${KAFKA_BOOTSTRAP:-$("$ROOT/scripts/kafka.sh" bootstrap)}")
}

# bench_corpus EVENTS HOSTS: path of the benchmarks' generated fleet corpus (seed 1, disorder up to
# 2 s, a few duplicates and malformed lines), generated once and cached under target/bench.
bench_corpus() {
  local corpus="$ROOT/target/bench/fleet-$1-$2.ndjson"
  if [[ ! -s "$corpus" ]]; then
    mkdir -p "$(dirname "$corpus")"
    "$ROOT/scripts/generate-fleet.sh" --events "$1" --hosts "$2" --seed 1 \
      --disorder-ms 2000 --duplicates 0.001 --malformed 0.0005 --out "$corpus" >&2
  fi
  echo "$corpus"
}
