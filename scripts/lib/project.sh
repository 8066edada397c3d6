# shellcheck shell=bash
# Shared by the scripts that run this project's Java code on a plain JVM (no cluster).
# Source it; it sources common.sh (REPO_ROOT, log, die, ...) and defines ensure_built, run_main
# and run_test_main.

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# read_jdk17_flags: sets JDK17_OPENS to the JDK 17 flags of flink-conf/jdk17-flags.properties,
# their one copy (pom.xml reads it too). The file is Java properties with one key, jdk17.opens,
# whose value goes on over the next lines while a line ends in a backslash.
read_jdk17_flags() {
  local file="$REPO_ROOT/flink-conf/jdk17-flags.properties" line value="" found=false
  [[ -r $file ]] || die "cannot read $file"
  while IFS= read -r line || [[ -n $line ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    if ! $found; then
      [[ $line =~ ^jdk17\.opens[[:space:]]*[=:][[:space:]]*(.*)$ ]] || continue
      line=${BASH_REMATCH[1]}
      found=true
    fi
    [[ $line == *\\ ]] || { value+=$line; break; }
    value+=${line%\\}
  done <"$file"
  read -ra JDK17_OPENS <<<"$value"
  ((${#JDK17_OPENS[@]} > 0)) || die "no jdk17.opens flags in $file"
}
read_jdk17_flags

# Compiles the project and records its runtime classpath (Flink included) on first use, and
# again whenever pom.xml or anything under src/ is newer than the last build.
ensure_built() {
  local stamp="$REPO_ROOT/target/.classpath-stamp"
  if [[ -f "$stamp" && -d "$REPO_ROOT/target/classes" ]] \
      && [[ -z "$(find "$REPO_ROOT/src/main" "$REPO_ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to build the project"
  log "building the project (first run downloads dependencies from Maven Central)..."
  (cd "$REPO_ROOT" && mvn -B -q --strict-checksums -Dstyle.color=never -DskipTests compile dependency:build-classpath \
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
    -Dlog4j.configurationFile="$REPO_ROOT/flink-conf/log4j-replay.properties" \
    -cp "$REPO_ROOT/target/classes:$(cat "$REPO_ROOT/target/classpath.txt")" "$main" "$@"
}

# Like ensure_built, for the test classes and the test classpath (benchmarks that reuse test
# builders). Rebuilds when pom.xml or anything under src/ changed.
ensure_test_built() {
  local stamp="$REPO_ROOT/target/.test-classpath-stamp"
  if [[ -f "$stamp" && -d "$REPO_ROOT/target/test-classes" ]] \
      && [[ -z "$(find "$REPO_ROOT/src" "$REPO_ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to build the project"
  log "building the project and its tests..."
  (cd "$REPO_ROOT" && mvn -B -q --strict-checksums -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
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
    -cp "$REPO_ROOT/target/test-classes:$REPO_ROOT/target/classes:$(cat "$REPO_ROOT/target/test-classpath.txt")" \
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
  KAFKA_TOOL_ARGS+=(--bootstrap-servers "${KAFKA_BOOTSTRAP:-$("$REPO_ROOT/scripts/kafka.sh" bootstrap)}")
}

# bench_corpus EVENTS HOSTS: path of the benchmarks' generated fleet corpus (seed 1, disorder up to
# 2 s, a few duplicates and malformed lines), generated once and cached under target/bench.
bench_corpus() {
  local corpus="$REPO_ROOT/target/bench/fleet-$1-$2.ndjson"
  if [[ ! -s "$corpus" ]]; then
    mkdir -p "$(dirname "$corpus")"
    "$REPO_ROOT/scripts/generate-fleet.sh" --events "$1" --hosts "$2" --seed 1 \
      --disorder-ms 2000 --duplicates 0.001 --malformed 0.0005 --out "$corpus" >&2
  fi
  echo "$corpus"
}

# ensure_job_jar: builds the job jar when it is missing or older than the sources; sets JOB_JAR.
ensure_job_jar() {
  JOB_JAR="$REPO_ROOT/target/sshd-netcon-detector.jar"
  if [[ ! -f "$JOB_JAR" || -n "$(find "$REPO_ROOT/src/main" "$REPO_ROOT/pom.xml" -newer "$JOB_JAR" -print -quit)" ]]; then
    log "building the job jar"
    (cd "$REPO_ROOT" && mvn -B -q --strict-checksums -Dstyle.color=never -DskipTests package) >&2
  fi
}

# start_stack_and_cluster: Kafka, Elasticsearch (KAFKA_BOOTSTRAP, ES_URL set) and a Flink cluster
# with 2 TaskManagers, each started only if not running; what this call started is added to the
# array STARTED, for stop_started.
STARTED=()
start_stack_and_cluster() {
  local script cluster="$REPO_ROOT/scripts/flink-cluster.sh"
  for script in kafka.sh elasticsearch.sh; do
    "$REPO_ROOT/scripts/$script" status >/dev/null 2>&1 || STARTED+=("$script")
  done
  "$cluster" status >/dev/null 2>&1 || STARTED+=(cluster)
  log "starting Kafka, Elasticsearch and the Flink cluster"
  eval "$("$REPO_ROOT/scripts/stack.sh" start)"
  "$cluster" assemble >/dev/null
  "$cluster" start --taskmanagers 2 >/dev/null
}

# stop_started: stops what start_stack_and_cluster started, and nothing else.
stop_started() {
  local what
  for what in "${STARTED[@]}"; do
    case "$what" in
      cluster) "$REPO_ROOT/scripts/flink-cluster.sh" stop >/dev/null 2>&1 || true ;;
      *) "$REPO_ROOT/scripts/$what" stop >/dev/null 2>&1 || true ;;
    esac
  done
}
