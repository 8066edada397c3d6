#!/usr/bin/env bash
# Assemble a Flink 2.2.1 distribution from Maven Central jars and run a local standalone session
# cluster with it; submit, stop (with savepoint), upgrade and cancel jobs on that cluster.
# flink-dist is not on Central, so this script replaces its bin/ scripts. Run with --help.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"   # REPO_ROOT, log/warn/die, require_safe_dir
# shellcheck source=lib/cluster-common.sh
source "$REPO_ROOT/scripts/lib/cluster-common.sh"
LOG_PREFIX="flink-cluster.sh: "

FLINK_VERSION=2.2.1
FLINK_HOME=${FLINK_HOME:-/tmp/sshdnetcon-flink/flink-$FLINK_VERSION}
FLINK_RUN_DIR=${FLINK_RUN_DIR:-$(dirname "$FLINK_HOME")/run}
CHECKPOINT_DIR=${FLINK_CHECKPOINT_DIR:-file://$FLINK_RUN_DIR/checkpoints}
SAVEPOINT_DIR=${FLINK_SAVEPOINT_DIR:-file://$FLINK_RUN_DIR/savepoints}
START_TIMEOUT=${FLINK_START_TIMEOUT:-120}
JOB_TIMEOUT=${FLINK_JOB_TIMEOUT:-120}
STOP_TIMEOUT=${FLINK_STOP_TIMEOUT:-60}
MVN=${MVN:-mvn}

CONF_DIR=$FLINK_HOME/conf
LOG_DIR=$FLINK_RUN_DIR/log
PID_DIR=$FLINK_RUN_DIR/pids
ASSEMBLY_POM=$REPO_ROOT/scripts/cluster/pom.xml
ASSEMBLY_MARKER=$FLINK_HOME/.assembled-from
JM_MAIN=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_MAIN=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
JOB_ID_RE='[0-9a-f]{32}'

usage() {
  cat <<EOF
Usage: flink-cluster.sh COMMAND [options]    (COMMAND --help for details)

Local Flink $FLINK_VERSION standalone session cluster built from Maven Central jars.

Cluster:
  assemble                       build \$FLINK_HOME (lib/, plugins/, conf/ from flink-conf/)
  start [--taskmanagers N]       start 1 JobManager + N TaskManagers, wait for all slots
  stop                           stop the JM/TMs this script started
  status                         cluster overview and jobs
Jobs:
  submit JAR [options] [-- ARGS] run JAR detached; last stdout line: job-id: <id>
  stop-job JOB_ID                stop with a savepoint; last stdout line: savepoint: <path>
  upgrade JOB_ID JAR [options]   stop-job, then submit JAR from that savepoint
  cancel JOB_ID                  cancel without savepoint (retained checkpoints stay)
  list [--all]                   jobs as <id> TAB <state> TAB <name>

Environment (use the same values for every command):
  FLINK_HOME            distribution dir      (default /tmp/sshdnetcon-flink/flink-$FLINK_VERSION)
  FLINK_RUN_DIR         logs, pids, state     (default \$(dirname \$FLINK_HOME)/run = $FLINK_RUN_DIR)
  FLINK_CHECKPOINT_DIR  checkpoint dir URI    (default file://\$FLINK_RUN_DIR/checkpoints)
  FLINK_SAVEPOINT_DIR   default savepoint dir (default file://\$FLINK_RUN_DIR/savepoints)
  JAVA_HOME             JDK (default /usr/lib/jvm/java-17-openjdk-amd64, else java on PATH)
  MVN                   Maven command + options for assemble (default mvn; MAVEN_OPTS applies)
  FLINK_START_TIMEOUT, FLINK_JOB_TIMEOUT, FLINK_STOP_TIMEOUT   seconds (120, 120, 60)

Progress and diagnostics go to stderr; results go to stdout as "key: value" lines.
Exit status is non-zero whenever a step failed.
EOF
}

# ---------------------------------------------------------------------------------------------
# Configuration and JVM plumbing

# key=value pairs that depend on FLINK_RUN_DIR; passed to the JM, the TMs and the CLI so that all
# three agree (a job's own configuration wins over the cluster's for checkpoint storage).
run_dir_props() {
  printf '%s\n' \
    "io.tmp.dirs=$FLINK_RUN_DIR/tmp" \
    "web.tmpdir=$FLINK_RUN_DIR/web" \
    "execution.checkpointing.dir=$CHECKPOINT_DIR" \
    "execution.checkpointing.savepoint-dir=$SAVEPOINT_DIR"
}

# Turns key=value pairs into "-D key=value" words (the form the entrypoints and BashJavaUtils use).
as_dynamic_args() {
  local prop
  for prop in "$@"; do
    printf '%s\n' -D "$prop"
  done
}

JAVA=
init_java() { [[ -n "$JAVA" ]] || JAVA=$(cc_java); }
# For short-lived tool JVMs (BashJavaUtils, CLI): C1 only and serial GC halve their start-up time.
TOOL_JVM_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# BashJavaUtils COMMAND [args...]: prints the BASH_JAVA_UTILS_EXEC_RESULT lines without the prefix.
bash_java_utils() {
  local command=$1 output
  shift
  init_java
  if ! output=$("$JAVA" "${TOOL_JVM_FLAGS[@]}" -cp "$FLINK_HOME/lib/*" -Dlog4j.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$CONF_DIR" "$@" 2>&1); then
    printf '%s\n' "$output" >&2
    die "BashJavaUtils $command failed (config in $CONF_DIR)"
  fi
  sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$output"
}

# Loads the effective, flattened configuration (config.yaml + run-dir props + EXTRA_PROPS) into CFG.
declare -A CFG=()
EXTRA_PROPS=()
REST_URL=
load_config() {
  [[ ${#CFG[@]} -eq 0 ]] || return 0
  init_java
  local props=() dyn=() line key value
  mapfile -t props < <(run_dir_props)
  mapfile -t dyn < <(as_dynamic_args "${props[@]}" "${EXTRA_PROPS[@]}")
  while IFS= read -r line; do
    key=${line%%: *}
    value=${line#*: }
    # The flattened YAML quotes some strings ('1234'); strip one level of quotes.
    if [[ "$value" == \'*\' || "$value" == \"*\" ]]; then value=${value:1:-1}; fi
    CFG[$key]=$value
  done < <(bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION -flatten "${dyn[@]}")
  [[ ${#CFG[@]} -gt 0 ]] || die "could not read the Flink configuration from $CONF_DIR"
  REST_URL="http://${CFG[rest.address]:-localhost}:${CFG[rest.port]:-8081}"
}

# The JVM flags Flink's bin/ scripts would use: env.java.opts.all + the per-process key.
# Needs load_config first (called in the parent shell: CFG does not survive a subshell).
java_opts_for() {
  [[ ${#CFG[@]} -gt 0 ]] || die "internal error: configuration not loaded"
  printf '%s %s\n' "${CFG[env.java.opts.all]:-}" "${CFG[env.java.opts.$1]:-}"
}

# flink_cli ACTION [args...]: Flink's bin/flink. stdout/stderr are the CLI's own.
flink_cli() {
  local opts=()
  init_java
  read -ra opts <<<"$(java_opts_for client)"
  FLINK_CONF_DIR=$CONF_DIR FLINK_PLUGINS_DIR=$FLINK_HOME/plugins FLINK_HOME=$FLINK_HOME \
    "$JAVA" "${TOOL_JVM_FLAGS[@]}" "${opts[@]}" -Dlog4j.configurationFile="file:$CONF_DIR/log4j-cli.properties" \
    -cp "$FLINK_HOME/lib/*" org.apache.flink.client.cli.CliFrontend "$@"
}

# run_cli ARGS...: runs the CLI, keeps its stdout in CLI_STDOUT and copies all of its output,
# indented, to stderr. On failure CLI_ROOT_CAUSE holds the innermost "Caused by:" message.
CLI_STDOUT=
CLI_ROOT_CAUSE=
run_cli() {
  local errfile rc=0
  errfile=$(mktemp)
  CLI_STDOUT=$(flink_cli "$@" 2>"$errfile") || rc=$?
  [[ -z "$CLI_STDOUT" ]] || sed 's/^/    /' <<<"$CLI_STDOUT" >&2
  sed 's/^/    /' "$errfile" >&2
  CLI_ROOT_CAUSE=
  if [[ $rc -ne 0 ]]; then
    CLI_ROOT_CAUSE=$(grep -E '^Caused by: ' "$errfile" | tail -n 1 | sed 's/^Caused by: //' || true)
    [[ -n "$CLI_ROOT_CAUSE" ]] || CLI_ROOT_CAUSE=$(grep -m 1 -vE '^[[:space:]]*$|^-+$' "$errfile" || true)
    [[ -n "$CLI_ROOT_CAUSE" ]] || CLI_ROOT_CAUSE="Flink CLI exited with status $rc and printed nothing"
  fi
  rm -f "$errfile"
  return $rc
}

require_cluster_up() {
  curl -sf --max-time 5 "$REST_URL/overview" >/dev/null 2>&1 \
    || die "no Flink cluster answers at $REST_URL (start it with: flink-cluster.sh start)"
}

require_assembled() {
  [[ -f "$ASSEMBLY_MARKER" && -d "$FLINK_HOME/lib" && -f "$CONF_DIR/config.yaml" ]] \
    || die "no Flink distribution at $FLINK_HOME; run: flink-cluster.sh assemble"
}

# ---------------------------------------------------------------------------------------------
# assemble

usage_assemble() {
  cat <<EOF
Usage: flink-cluster.sh assemble

Builds the Flink $FLINK_VERSION distribution at \$FLINK_HOME ($FLINK_HOME):
  lib/                          jars resolved by Maven from scripts/cluster/pom.xml
  plugins/metrics-prometheus/   flink-metrics-prometheus (own class loader)
  conf/                         a fresh copy of the repository's flink-conf/
lib/ and plugins/ are rebuilt only when scripts/cluster/pom.xml changed (and never while this
script's cluster is running); conf/ is re-copied every time. Needs Maven and network access to
Maven Central on first use.
stdout: flink-home: <path>
EOF
}

cmd_assemble() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_assemble; return 0 ;;
      *) die "assemble: unknown argument '$1' (see --help)" ;;
    esac
  done
  assemble
  printf 'flink-home: %s\n' "$FLINK_HOME"
}

assemble() {
  local pom_hash stage started
  pom_hash=$(sha256sum "$ASSEMBLY_POM" | cut -d' ' -f1)
  mkdir -p "$FLINK_HOME"
  if [[ -f "$ASSEMBLY_MARKER" && "$(<"$ASSEMBLY_MARKER")" == "$pom_hash" && -d "$FLINK_HOME/lib" ]]; then
    log "lib/ and plugins/ are up to date in $FLINK_HOME"
  else
    if cluster_pids >/dev/null; then
      die "the distribution must be rebuilt but the cluster is running from it; run stop first"
    fi
    local mvn_cmd=()
    read -ra mvn_cmd <<<"$MVN"
    cc_require_cmd "${mvn_cmd[0]}"
    log "resolving Flink $FLINK_VERSION jars from Maven Central into $FLINK_HOME ..."
    started=$(cc_now_ms)
    stage=$(mktemp -d "$FLINK_HOME/.assemble.XXXXXX")
    # The pom's executions are invoked by id; -q keeps Maven quiet unless something fails.
    # (Debian's Maven 3.8 prints stray ANSI reset codes even in batch mode; drop them.)
    if ! "${mvn_cmd[@]}" -q -B --strict-checksums -f "$ASSEMBLY_POM" \
      dependency:copy-dependencies@lib dependency:copy@plugin-metrics-prometheus \
      -Dflink.lib.dir="$stage/lib" -Dflink.plugins.dir="$stage/plugins" | sed 's/\x1b\[0m//g' >&2; then
      rm -rf "$stage"
      die "Maven could not resolve the Flink jars (see above)"
    fi
    rm -f "$ASSEMBLY_MARKER"
    rm -rf "$FLINK_HOME/lib" "$FLINK_HOME/plugins"
    mv "$stage/lib" "$FLINK_HOME/lib"
    mv "$stage/plugins" "$FLINK_HOME/plugins"
    rm -rf "$stage"
    printf '%s\n' "$pom_hash" >"$ASSEMBLY_MARKER"
    log "lib/: $(find "$FLINK_HOME/lib" -name '*.jar' | wc -l) jars, $(du -sh "$FLINK_HOME/lib" | cut -f1);" \
      "took $(cc_elapsed "$started")"
  fi
  [[ -f "$REPO_ROOT/flink-conf/config.yaml" ]] || die "missing $REPO_ROOT/flink-conf/config.yaml"
  rm -rf "$CONF_DIR.new"
  cp -R "$REPO_ROOT/flink-conf" "$CONF_DIR.new"
  rm -rf "$CONF_DIR"
  mv "$CONF_DIR.new" "$CONF_DIR"
  log "conf/ copied from $REPO_ROOT/flink-conf"
}

# ---------------------------------------------------------------------------------------------
# Processes (pidfiles in $PID_DIR; a pid counts only if it is still our java process)

jm_pid() { cc_pidfile_pid "$PID_DIR/jobmanager.pid" "$JM_MAIN" "--configDir $CONF_DIR"; }
tm_pid() { cc_pidfile_pid "$PID_DIR/taskmanager-$1.pid" "$TM_MAIN" "--configDir $CONF_DIR"; }

# Prints "name pid" for every live process of this cluster (JM first); fails if there is none.
cluster_pids() {
  local pidfile name pid found=1
  [[ -d "$PID_DIR" ]] || return 1
  for pidfile in "$PID_DIR"/jobmanager.pid $(ls "$PID_DIR"/taskmanager-*.pid 2>/dev/null | sort -V); do
    [[ -f "$pidfile" ]] || continue
    name=$(basename "$pidfile" .pid)
    if [[ $name == jobmanager ]]; then pid=$(jm_pid) || continue; else pid=$(tm_pid "${name#taskmanager-}") || continue; fi
    printf '%s %s\n' "$name" "$pid"
    found=0
  done
  return $found
}

# launch_daemon NAME JAVA_ARGS...: starts a detached JVM (own session, survives this shell).
launch_daemon() {
  local name=$1
  shift
  FLINK_CONF_DIR=$CONF_DIR FLINK_PLUGINS_DIR=$FLINK_HOME/plugins FLINK_HOME=$FLINK_HOME \
    setsid "$JAVA" "$@" >"$LOG_DIR/$name.out" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$PID_DIR/$name.pid"
  log "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# Reads the two BashJavaUtils lines (JVM memory flags; -D memory settings) into two arrays.
resource_params() {
  local -n jvm_ref=$2 dyn_ref=$3
  local lines=()
  mapfile -t lines < <(bash_java_utils "$1" "${DYNAMIC_ARGS[@]}")
  [[ ${#lines[@]} -ge 2 ]] || die "BashJavaUtils $1 printed no memory parameters"
  read -ra jvm_ref <<<"${lines[0]}"
  read -ra dyn_ref <<<"${lines[1]}"
}

start_jobmanager() {
  local opts=() mem_jvm=() mem_dyn=()
  read -ra opts <<<"$(java_opts_for jobmanager)"
  resource_params GET_JM_RESOURCE_PARAMS mem_jvm mem_dyn
  launch_daemon jobmanager "${mem_jvm[@]}" "${opts[@]}" \
    -Dlog.file="$LOG_DIR/jobmanager.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$FLINK_HOME/lib/*" "$JM_MAIN" --configDir "$CONF_DIR" --executionMode cluster \
    "${mem_dyn[@]}" "${DYNAMIC_ARGS[@]}"
}

# Gives taskmanager-I its own first port inside each configured port range. TMs started together
# otherwise race for the same port (the loser retries the next one, but Pekko logs the lost race
# as ERROR), and it makes TM ports predictable: Prometheus on first port + I (the JM takes the
# first port of the ranges it shares with the TMs).
tm_port_args() {
  local index=$1 key low high offset
  for key in taskmanager.rpc.port metrics.internal.query-service.port metrics.reporter.prom.port; do
    [[ ${CFG[$key]:-} =~ ^([0-9]+)-([0-9]+)$ ]] || continue
    low=${BASH_REMATCH[1]}
    high=${BASH_REMATCH[2]}
    offset=$index
    [[ $key != taskmanager.rpc.port ]] || offset=$((index - 1))
    ((low + offset <= high)) || continue
    printf '%s\n' -D "$key=$((low + offset))-$high"
  done
}

DYNAMIC_ARGS=() # "-D key=value" words for the JM and TMs (run-dir props + start -D)
TM_MEM_JVM=()
TM_MEM_DYN=()
start_taskmanager() {
  local index=$1 opts=() ports=()
  read -ra opts <<<"$(java_opts_for taskmanager)"
  mapfile -t ports < <(tm_port_args "$index")
  # Without the -D memory settings from BashJavaUtils the TM refuses to start
  # ("taskmanager.cpu.cores ... is not set").
  [[ ${#TM_MEM_JVM[@]} -gt 0 ]] || resource_params GET_TM_RESOURCE_PARAMS TM_MEM_JVM TM_MEM_DYN
  launch_daemon "taskmanager-$index" "${TM_MEM_JVM[@]}" "${opts[@]}" \
    -Dlog.file="$LOG_DIR/taskmanager-$index.log" -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$FLINK_HOME/lib/*" "$TM_MAIN" --configDir "$CONF_DIR" \
    "${TM_MEM_DYN[@]}" "${DYNAMIC_ARGS[@]}" "${ports[@]}"
}

usage_start() {
  cat <<EOF
Usage: flink-cluster.sh start [--taskmanagers N] [-D key=value ...]

Assembles \$FLINK_HOME if needed (and re-copies conf/), then makes sure one JobManager and at
least N TaskManagers (default 1) started by this script are running, and waits until the REST
API reports every TaskManager and all of their slots. Already running processes are kept, so
running start again is harmless and "start --taskmanagers 3" adds TaskManagers to a running
cluster. -D overrides a config.yaml key for the JM and TMs started now (not for later CLI calls).
Logs: \$FLINK_RUN_DIR/log/{jobmanager,taskmanager-N}.{log,out}. Prometheus metrics (with the
repository's config.yaml): JobManager http://localhost:9249/metrics, taskmanager-N on 9249+N.
stdout: "jobmanager: <pid>", "taskmanager-<i>: <pid>" per TM, "slots-total: <n>",
        and last "web-ui: <url>".
EOF
}

cmd_start() {
  local taskmanagers=1 started i pid alive_tms overview slots_per_tm expected_slots
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_start; return 0 ;;
      --taskmanagers) [[ $# -ge 2 ]] || die "start: $1 needs a value"; taskmanagers=$2; shift 2 ;;
      --taskmanagers=*) taskmanagers=${1#*=}; shift ;;
      -D) [[ $# -ge 2 ]] || die "start: -D needs key=value"; EXTRA_PROPS+=("$2"); shift 2 ;;
      -D?*) EXTRA_PROPS+=("${1#-D}"); shift ;;
      *) die "start: unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || die "start: --taskmanagers must be a positive number"
  cc_require_cmd curl jq setsid
  started=$(cc_now_ms)

  if jm_pid >/dev/null; then
    log "JobManager already running (pid $(jm_pid)); conf/ is left as it is"
    require_assembled
  else
    assemble
  fi
  mkdir -p "$LOG_DIR" "$PID_DIR" "$FLINK_RUN_DIR/tmp" "$FLINK_RUN_DIR/web"
  local props=()
  mapfile -t props < <(run_dir_props)
  mapfile -t DYNAMIC_ARGS < <(as_dynamic_args "${props[@]}" "${EXTRA_PROPS[@]}")
  load_config
  init_java
  local dir
  for dir in "$CHECKPOINT_DIR" "$SAVEPOINT_DIR"; do
    [[ $dir != file://* ]] || mkdir -p "${dir#file://}"
    if [[ $dir == file:///tmp/* ]]; then
      warn "$dir is under /tmp: fine for trying it out, but lost on reboot and readable only on" \
        "this host; set FLINK_CHECKPOINT_DIR / FLINK_SAVEPOINT_DIR to durable storage for real use"
    fi
  done

  # Ask BashJavaUtils for the TM memory flags before the JM starts competing for the CPU.
  for ((i = 1; i <= taskmanagers; i++)); do
    if ! tm_pid "$i" >/dev/null; then
      resource_params GET_TM_RESOURCE_PARAMS TM_MEM_JVM TM_MEM_DYN
      break
    fi
  done
  if ! jm_pid >/dev/null; then
    if curl -sf --max-time 2 "$REST_URL/overview" >/dev/null 2>&1; then
      die "$REST_URL already answers, but not from a JobManager started by this script" \
        "(FLINK_RUN_DIR=$FLINK_RUN_DIR); stop that cluster or change rest.port in flink-conf/config.yaml"
    fi
    start_jobmanager
  fi
  for ((i = 1; i <= taskmanagers; i++)); do
    tm_pid "$i" >/dev/null || start_taskmanager "$i"
  done

  # Count every TM of ours (there may be more than N from an earlier start).
  alive_tms=$({ cluster_pids || true; } | grep -c '^taskmanager-' || true)
  slots_per_tm=${CFG[taskmanager.numberOfTaskSlots]:-1}
  expected_slots=$((alive_tms * slots_per_tm))
  log "waiting for $alive_tms TaskManager(s) with $expected_slots slots at $REST_URL ..."
  local deadline=$((SECONDS + START_TIMEOUT)) name
  while true; do
    overview=$(curl -sf --max-time 2 "$REST_URL/overview" 2>/dev/null || true)
    if [[ -n "$overview" ]] && jq -e --argjson tms "$alive_tms" --argjson slots "$expected_slots" \
      '.taskmanagers == $tms and ."slots-total" == $slots' <<<"$overview" >/dev/null; then
      break
    fi
    # A process that died will never register: show why instead of waiting for the timeout.
    for name in jobmanager $(seq -f 'taskmanager-%g' 1 "$taskmanagers"); do
      if [[ -f "$PID_DIR/$name.pid" ]] && ! kill -0 "$(<"$PID_DIR/$name.pid")" 2>/dev/null; then
        show_log "$LOG_DIR/$name.out" 20
        show_log "$LOG_DIR/$name.log" 30
        die "$name exited during start-up (logs above); run 'flink-cluster.sh stop' to clean up"
      fi
    done
    if ((SECONDS >= deadline)); then
      show_log "$LOG_DIR/jobmanager.log" 30
      die "cluster not ready after ${START_TIMEOUT}s (last overview: ${overview:-none});" \
        "processes are left running for inspection; 'flink-cluster.sh stop' stops them"
    fi
    sleep 0.3
  done
  log "cluster ready after $(cc_elapsed "$started")"
  { cluster_pids || true; } | while read -r name pid; do printf '%s: %s\n' "$name" "$pid"; done
  printf 'slots-total: %s\n' "$(jq -r '."slots-total"' <<<"$overview")"
  printf 'web-ui: %s\n' "$REST_URL"
}

usage_stop() {
  cat <<EOF
Usage: flink-cluster.sh stop

Stops the TaskManagers, then the JobManager, that this script started (pidfiles in
\$FLINK_RUN_DIR/pids; a pid is only signalled if it still is that Flink JVM). SIGTERM, then
waits up to \$FLINK_STOP_TIMEOUT s (default 60) per group before SIGKILL. Jobs still running are
listed with their latest checkpoint, which stays on disk, so they can be resumed with
"submit JAR --from-savepoint <checkpoint>".
stdout: "stopped: <name> <pid>" per process.
EOF
}

cmd_stop() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_stop; return 0 ;;
      *) die "stop: unknown argument '$1' (see --help)" ;;
    esac
  done
  local procs=() line
  mapfile -t procs < <(cluster_pids || true)
  if [[ ${#procs[@]} -eq 0 ]]; then
    log "no cluster processes started by this script are running (FLINK_RUN_DIR=$FLINK_RUN_DIR)"
    rm -f "$PID_DIR"/*.pid 2>/dev/null || true
    return 0
  fi
  if [[ -f "$ASSEMBLY_MARKER" ]] && jm_pid >/dev/null; then
    load_config
    warn_running_jobs || true
  fi
  local group name pid pids
  for group in taskmanager jobmanager; do
    pids=()
    for line in "${procs[@]}"; do
      read -r name pid <<<"$line"
      [[ $name == "$group"* ]] || continue
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$name:$pid")
    done
    for line in "${pids[@]}"; do
      name=${line%%:*}
      pid=${line#*:}
      if ! cc_wait_exit "$pid" "$STOP_TIMEOUT"; then
        warn "$name (pid $pid) did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        cc_wait_exit "$pid" 10 || die "$name (pid $pid) survived SIGKILL"
      fi
      rm -f "$PID_DIR/$name.pid"
      printf 'stopped: %s %s\n' "$name" "$pid"
    done
  done
}

# Before the JM goes away: say which jobs die with it and where their state is.
warn_running_jobs() {
  local jobs id state name checkpoint
  jobs=$(cc_http_get "$REST_URL/jobs/overview" 2>/dev/null) || return 0
  while IFS=$'\t' read -r id state name; do
    [[ -n "$id" ]] || continue
    checkpoint=$(cc_http_get "$REST_URL/jobs/$id/checkpoints" 2>/dev/null \
      | jq -r '.latest.completed.external_path // "none"' 2>/dev/null || echo unknown)
    warn "job $id ($name) is $state and ends with the cluster; latest checkpoint: $checkpoint"
  done < <(jq -r '.jobs[] | select(.state | IN("FINISHED","FAILED","CANCELED") | not)
                  | [.jid, .state, .name] | @tsv' <<<"$jobs")
}

# ---------------------------------------------------------------------------------------------
# status / list

usage_status() {
  cat <<EOF
Usage: flink-cluster.sh status

stdout when the REST API answers (exit 0):
  cluster: up
  web-ui: <url>
  flink-version: <v>
  taskmanagers: <n>
  slots-total: <n>
  slots-available: <n>
  <name>: <pid>                     for each process this script started
  job: <id> <state> <name>          for each job the JobManager knows (newest first)
When it does not answer: "cluster: down" and exit 3.
EOF
}

cmd_status() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_status; return 0 ;;
      *) die "status: unknown argument '$1' (see --help)" ;;
    esac
  done
  cc_require_cmd curl jq
  if [[ ! -f "$ASSEMBLY_MARKER" ]]; then
    printf 'cluster: down\n'
    log "no distribution at $FLINK_HOME (run assemble)"
    return 3
  fi
  local overview jobs name pid
  load_config
  if ! overview=$(cc_http_get "$REST_URL/overview" 2>/dev/null); then
    printf 'cluster: down\n'
    { cluster_pids || true; } | while read -r name pid; do printf '%s: %s\n' "$name" "$pid"; done
    return 3
  fi
  printf 'cluster: up\nweb-ui: %s\n' "$REST_URL"
  jq -r '"flink-version: \(."flink-version")", "taskmanagers: \(.taskmanagers)",
         "slots-total: \(."slots-total")", "slots-available: \(."slots-available")"' <<<"$overview"
  { cluster_pids || true; } | while read -r name pid; do printf '%s: %s\n' "$name" "$pid"; done
  jobs=$(cc_http_get "$REST_URL/jobs/overview")
  jq -r '.jobs | sort_by(-."start-time") | .[] | "job: \(.jid) \(.state) \(.name)"' <<<"$jobs"
}

usage_list() {
  cat <<EOF
Usage: flink-cluster.sh list [--all]

stdout: one line per job, "<job-id> TAB <state> TAB <name>", newest first. By default only jobs
that are not finished, failed or cancelled; --all lists every job the JobManager remembers.
EOF
}

cmd_list() {
  local filter='select(.state | IN("FINISHED","FAILED","CANCELED") | not)'
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_list; return 0 ;;
      -a | --all) filter='.'; shift ;;
      *) die "list: unknown argument '$1' (see --help)" ;;
    esac
  done
  cc_require_cmd curl jq
  require_assembled
  load_config
  require_cluster_up
  local jobs
  jobs=$(cc_http_get "$REST_URL/jobs/overview") || die "cluster not reachable at $REST_URL"
  jq -r ".jobs | sort_by(-.\"start-time\") | .[] | $filter | [.jid, .state, .name] | @tsv" <<<"$jobs"
}

# ---------------------------------------------------------------------------------------------
# Jobs

job_state() {
  cc_http_get "$REST_URL/jobs/$1" 2>/dev/null | jq -r '.state' 2>/dev/null || echo UNKNOWN
}

# Prints the root failure of a job (exception name, message and "Caused by" lines) to stderr.
show_job_exception() {
  local exceptions
  exceptions=$(cc_http_get "$REST_URL/jobs/$1/exceptions" 2>/dev/null) || return 0
  jq -r '(.exceptionHistory.entries[0] // empty)
         | .stacktrace | split("\n") | map(select(test("^[^\t ]") or test("^Caused by"))) | .[:8][]' \
    <<<"$exceptions" 2>/dev/null | sed 's/^/    /' >&2 || true
}

# wait_job_running JOB_ID: waits until every subtask is RUNNING (state restored) or FINISHED.
# Fails if the job fails, restarts or is cancelled, or on FLINK_JOB_TIMEOUT.
wait_job_running() {
  local id=$1 deadline=$((SECONDS + JOB_TIMEOUT)) details state failures
  local url=$REST_URL
  log "waiting for job $id to run (state restored, all subtasks RUNNING) ..."
  while true; do
    details=$(cc_http_get "$url/jobs/$id" 2>/dev/null || true)
    state=UNKNOWN
    [[ -z "$details" ]] || state=$(jq -r '.state' <<<"$details")
    failures=$(cc_http_get "$url/jobs/$id/exceptions" 2>/dev/null \
      | jq -r '.exceptionHistory.entries | length' 2>/dev/null || echo 0)
    case $state in
      FINISHED)
        log "job $id already FINISHED (bounded job?)"
        return 0
        ;;
      FAILED | FAILING | CANCELED | CANCELLING | RESTARTING)
        failures=1
        ;;
      RUNNING)
        if [[ "$failures" == 0 ]] && jq -e '[.vertices[] | (.tasks.RUNNING + .tasks.FINISHED) == .parallelism] | all' \
          <<<"$details" >/dev/null 2>&1; then
          log "job $id is RUNNING"
          return 0
        fi
        ;;
    esac
    if [[ "$failures" != 0 ]]; then
      warn "job $id is $state and has failed since submission; root exception:"
      show_job_exception "$id"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      warn "job $id is still $state after ${JOB_TIMEOUT}s"
      return 1
    fi
    sleep 0.5
  done
}

usage_submit() {
  cat <<EOF
Usage: flink-cluster.sh submit JAR [--parallelism P] [--class C] [--from-savepoint PATH]
                               [--allow-non-restored-state] [-D key=value ...] [--no-wait]
                               [-- JOB ARGS...]

Runs JAR detached on the cluster (Flink CLI "run -d"), then waits until all of its subtasks are
RUNNING, i.e. state from --from-savepoint was restored (unless --no-wait). -D sets job
configuration (e.g. -D execution.checkpointing.interval=5s).
  -p, --parallelism P             default parallelism of the job (else config/job code)
  -c, --class C                   entry class (else the jar manifest's Main-Class)
  -s, --from-savepoint PATH       restore from a savepoint or retained checkpoint
  -n, --allow-non-restored-state  skip savepoint state that maps to no operator
stdout: last line "job-id: <id>" (printed as soon as the job is accepted; if the job then fails
to start, the exit status is non-zero and stderr says why).
EOF
}

# Parsed by parse_run_options; used by submit and upgrade.
RUN_JAR=
RUN_PARALLELISM=
RUN_CLASS=
RUN_SAVEPOINT=
RUN_ALLOW_NON_RESTORED=false
RUN_WAIT=true
RUN_ARGS=()
RUN_POSITIONAL=()

parse_run_options() {
  local cmd=$1
  shift
  while [[ $# -gt 0 ]]; do
    case $1 in
      -p | --parallelism) [[ $# -ge 2 ]] || die "$cmd: $1 needs a value"; RUN_PARALLELISM=$2; shift 2 ;;
      --parallelism=*) RUN_PARALLELISM=${1#*=}; shift ;;
      -c | --class) [[ $# -ge 2 ]] || die "$cmd: $1 needs a value"; RUN_CLASS=$2; shift 2 ;;
      --class=*) RUN_CLASS=${1#*=}; shift ;;
      -s | --from-savepoint)
        [[ $cmd == submit ]] || die "$cmd: $1 is not an option of $cmd"
        [[ $# -ge 2 ]] || die "$cmd: $1 needs a value"; RUN_SAVEPOINT=$2; shift 2 ;;
      --from-savepoint=*) [[ $cmd == submit ]] || die "$cmd: --from-savepoint is not an option of $cmd"
        RUN_SAVEPOINT=${1#*=}; shift ;;
      -n | --allow-non-restored-state) RUN_ALLOW_NON_RESTORED=true; shift ;;
      --no-wait) [[ $cmd == submit ]] || die "$cmd: $1 is not an option of $cmd"; RUN_WAIT=false; shift ;;
      --savepoint-dir)
        [[ $cmd == upgrade ]] || die "$cmd: $1 is not an option of $cmd"
        [[ $# -ge 2 ]] || die "$cmd: $1 needs a value"; STOP_SAVEPOINT_DIR=$2; shift 2 ;;
      -D) [[ $# -ge 2 ]] || die "$cmd: -D needs key=value"; EXTRA_PROPS+=("$2"); shift 2 ;;
      -D?*) EXTRA_PROPS+=("${1#-D}"); shift ;;
      --) shift; RUN_ARGS=("$@"); break ;;
      -*) die "$cmd: unknown option '$1' (see --help)" ;;
      *) RUN_POSITIONAL+=("$1"); shift ;;
    esac
  done
  [[ -z "$RUN_PARALLELISM" || "$RUN_PARALLELISM" =~ ^[1-9][0-9]*$ ]] \
    || die "$cmd: --parallelism must be a positive number"
}

check_jar() {
  [[ -f "$1" && -r "$1" ]] || die "job jar '$1' does not exist or is not readable"
  # A jar is a zip: "PK\3\4". Catches passing a directory, pom or truncated download early.
  [[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" == 504b0304 ]] || die "'$1' is not a jar file"
}

# Submits with the parsed RUN_* options; sets SUBMITTED_JOB_ID. CLI output goes to stderr.
submit_job() {
  local args=(run -d) props=() prop
  [[ -z "$RUN_PARALLELISM" ]] || args+=(-p "$RUN_PARALLELISM")
  [[ -z "$RUN_CLASS" ]] || args+=(-c "$RUN_CLASS")
  [[ -z "$RUN_SAVEPOINT" ]] || args+=(-s "$RUN_SAVEPOINT")
  [[ $RUN_ALLOW_NON_RESTORED == false ]] || args+=(-n)
  mapfile -t props < <(run_dir_props)
  for prop in "${props[@]}" "${EXTRA_PROPS[@]}"; do args+=("-D$prop"); done
  args+=("$RUN_JAR" "${RUN_ARGS[@]}")
  log "submitting $RUN_JAR${RUN_PARALLELISM:+ at parallelism $RUN_PARALLELISM}${RUN_SAVEPOINT:+ from $RUN_SAVEPOINT}"
  SUBMITTED_JOB_ID=
  run_cli "${args[@]}" || return 1
  SUBMITTED_JOB_ID=$(grep -oE "JobID $JOB_ID_RE" <<<"$CLI_STDOUT" | tail -n 1 | cut -d' ' -f2 || true)
  [[ -n "$SUBMITTED_JOB_ID" ]] || { CLI_ROOT_CAUSE="the Flink CLI printed no JobID"; return 1; }
}

cmd_submit() {
  local arg
  for arg in "$@"; do
    [[ $arg != -- ]] || break
    [[ $arg != -h && $arg != --help ]] || { usage_submit; return 0; }
  done
  parse_run_options submit "$@"
  [[ ${#RUN_POSITIONAL[@]} -eq 1 ]] || die "submit: expected exactly one JAR (see --help)"
  RUN_JAR=$(realpath "${RUN_POSITIONAL[0]}")
  check_jar "$RUN_JAR"
  cc_require_cmd curl jq
  require_assembled
  load_config
  require_cluster_up
  submit_job || die "submission failed: $CLI_ROOT_CAUSE (full CLI output above); no job was started"
  printf 'job-id: %s\n' "$SUBMITTED_JOB_ID"
  if [[ $RUN_WAIT == true ]] && ! wait_job_running "$SUBMITTED_JOB_ID"; then
    die "job $SUBMITTED_JOB_ID was submitted but is not running properly (state: $(job_state "$SUBMITTED_JOB_ID"));" \
      "inspect it at $REST_URL/#/job/running/$SUBMITTED_JOB_ID or cancel it"
  fi
}

STOP_SAVEPOINT_DIR=
usage_stop_job() {
  cat <<EOF
Usage: flink-cluster.sh stop-job JOB_ID [--savepoint-dir DIR]

Stops a running job gracefully with a savepoint (Flink CLI "stop --savepointPath"; no drain, so
event-time timers are not fired) and waits until the job is FINISHED.
  --savepoint-dir DIR   where to write it (default \$FLINK_SAVEPOINT_DIR = $SAVEPOINT_DIR)
stdout: last line "savepoint: <path>". If the savepoint fails, the job keeps running and the
exit status is non-zero.
EOF
}

# stop_with_savepoint JOB_ID: sets SAVEPOINT_PATH. CLI output goes to stderr.
stop_with_savepoint() {
  local id=$1 dir=${STOP_SAVEPOINT_DIR:-$SAVEPOINT_DIR} state
  [[ $dir == *://* ]] || dir="file://$(realpath -m "$dir")"
  [[ $dir != file://* ]] || mkdir -p "${dir#file://}"
  log "stopping job $id with a savepoint into $dir ..."
  SAVEPOINT_PATH=
  run_cli stop --savepointPath "$dir" "$id" || return 1
  SAVEPOINT_PATH=$(sed -n 's/^Savepoint completed\. Path: //p' <<<"$CLI_STDOUT" | tail -n 1)
  [[ -n "$SAVEPOINT_PATH" ]] || { CLI_ROOT_CAUSE="the Flink CLI printed no savepoint path"; return 1; }
  local deadline=$((SECONDS + STOP_TIMEOUT))
  until state=$(job_state "$id"); [[ $state == FINISHED ]]; do
    if ((SECONDS >= deadline)); then
      CLI_ROOT_CAUSE="savepoint completed, but the job is still $state after ${STOP_TIMEOUT}s"
      return 1
    fi
    sleep 0.3
  done
}

require_running_job() {
  local id=$1 state
  [[ "$id" =~ ^$JOB_ID_RE$ ]] || die "'$id' is not a job id (32 hex digits)"
  state=$(job_state "$id")
  case $state in
    RUNNING) ;;
    UNKNOWN) die "job $id is not known to the cluster at $REST_URL" ;;
    *) die "job $id is $state, not RUNNING" ;;
  esac
}

cmd_stop_job() {
  local id=
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_stop_job; return 0 ;;
      --savepoint-dir) [[ $# -ge 2 ]] || die "stop-job: $1 needs a value"; STOP_SAVEPOINT_DIR=$2; shift 2 ;;
      --savepoint-dir=*) STOP_SAVEPOINT_DIR=${1#*=}; shift ;;
      -*) die "stop-job: unknown option '$1' (see --help)" ;;
      *) [[ -z "$id" ]] || die "stop-job: expected one JOB_ID"; id=$1; shift ;;
    esac
  done
  [[ -n "$id" ]] || die "stop-job: JOB_ID is required (see --help)"
  cc_require_cmd curl jq
  require_assembled
  load_config
  require_cluster_up
  require_running_job "$id"
  if ! stop_with_savepoint "$id"; then
    [[ -z "$SAVEPOINT_PATH" ]] || printf 'savepoint: %s\n' "$SAVEPOINT_PATH"
    die "stop-job failed: $CLI_ROOT_CAUSE; job $id is now $(job_state "$id")"
  fi
  printf 'savepoint: %s\n' "$SAVEPOINT_PATH"
}

usage_upgrade() {
  cat <<EOF
Usage: flink-cluster.sh upgrade JOB_ID JAR [--parallelism P] [--class C] [--savepoint-dir DIR]
                                [--allow-non-restored-state] [-D key=value ...] [-- JOB ARGS...]

Upgrades a running job: checks JAR, stops JOB_ID with a savepoint, submits JAR from that
savepoint and waits until all subtasks of the new job are RUNNING (state restored). Without
--parallelism the new job gets the old job's parallelism. Job arguments are not carried over:
pass them again after --.
stdout: "savepoint: <path>" once the old job is stopped, then last "job-id: <new id>".
On failure stderr says which job is running (if any) and how to resume from the savepoint.
EOF
}

cmd_upgrade() {
  local arg
  for arg in "$@"; do
    [[ $arg != -- ]] || break
    [[ $arg != -h && $arg != --help ]] || { usage_upgrade; return 0; }
  done
  parse_run_options upgrade "$@"
  [[ ${#RUN_POSITIONAL[@]} -eq 2 ]] || die "upgrade: expected JOB_ID and JAR (see --help)"
  local old_id=${RUN_POSITIONAL[0]}
  RUN_JAR=$(realpath "${RUN_POSITIONAL[1]}")
  check_jar "$RUN_JAR"
  cc_require_cmd curl jq
  require_assembled
  load_config
  require_cluster_up
  require_running_job "$old_id"
  if [[ -z "$RUN_PARALLELISM" ]]; then
    RUN_PARALLELISM=$(cc_http_get "$REST_URL/jobs/$old_id/config" \
      | jq -r '."execution-config"."job-parallelism" // empty' 2>/dev/null || true)
    [[ "$RUN_PARALLELISM" =~ ^[1-9][0-9]*$ ]] || RUN_PARALLELISM=
    log "keeping the old job's parallelism: ${RUN_PARALLELISM:-unknown (config default)}"
  fi

  if ! stop_with_savepoint "$old_id"; then
    [[ -z "$SAVEPOINT_PATH" ]] || printf 'savepoint: %s\n' "$SAVEPOINT_PATH"
    die "upgrade aborted before submitting: stop-with-savepoint of $old_id failed:" \
      "$CLI_ROOT_CAUSE; old job $old_id is $(job_state "$old_id")"
  fi
  printf 'savepoint: %s\n' "$SAVEPOINT_PATH"

  RUN_SAVEPOINT=$SAVEPOINT_PATH
  local retry="flink-cluster.sh submit JAR --from-savepoint $SAVEPOINT_PATH${RUN_PARALLELISM:+ --parallelism $RUN_PARALLELISM} [-- ARGS]"
  if ! submit_job; then
    die "upgrade FAILED: the new job was rejected: $CLI_ROOT_CAUSE" \
      $'\n'"  old job $old_id is $(job_state "$old_id") (stopped with savepoint $SAVEPOINT_PATH);" \
      $'\n'"  no job of this upgrade is running. Resume the old version or a fixed jar with:" \
      $'\n'"  $retry"
  fi
  printf 'job-id: %s\n' "$SUBMITTED_JOB_ID"
  if ! wait_job_running "$SUBMITTED_JOB_ID"; then
    die "upgrade FAILED: new job $SUBMITTED_JOB_ID is $(job_state "$SUBMITTED_JOB_ID") and not running properly;" \
      $'\n'"  old job $old_id is $(job_state "$old_id") (stopped with savepoint $SAVEPOINT_PATH)." \
      $'\n'"  Cancel $SUBMITTED_JOB_ID, then resume the old version or a fixed jar with:" \
      $'\n'"  $retry"
  fi
  log "upgrade done: $old_id -> $SUBMITTED_JOB_ID via $SAVEPOINT_PATH"
}

usage_cancel() {
  cat <<EOF
Usage: flink-cluster.sh cancel JOB_ID

Cancels a job without a savepoint (Flink CLI "cancel") and waits until it is CANCELED. Its
checkpoints are retained (RETAIN_ON_CANCELLATION); the latest can be used with
"submit JAR --from-savepoint <checkpoint>".
stdout: "checkpoint: <path of the latest retained checkpoint or none>", last "cancelled: <id>".
EOF
}

cmd_cancel() {
  local id=
  while [[ $# -gt 0 ]]; do
    case $1 in
      -h | --help) usage_cancel; return 0 ;;
      -*) die "cancel: unknown option '$1' (see --help)" ;;
      *) [[ -z "$id" ]] || die "cancel: expected one JOB_ID"; id=$1; shift ;;
    esac
  done
  [[ -n "$id" ]] || die "cancel: JOB_ID is required (see --help)"
  [[ "$id" =~ ^$JOB_ID_RE$ ]] || die "'$id' is not a job id (32 hex digits)"
  cc_require_cmd curl jq
  require_assembled
  load_config
  require_cluster_up
  local state checkpoint deadline=$((SECONDS + STOP_TIMEOUT))
  state=$(job_state "$id")
  case $state in
    UNKNOWN) die "job $id is not known to the cluster at $REST_URL" ;;
    FINISHED | FAILED | CANCELED) die "job $id is already $state" ;;
  esac
  run_cli cancel "$id" || die "cancel failed: $CLI_ROOT_CAUSE; job $id is $(job_state "$id")"
  until state=$(job_state "$id"); [[ $state == CANCELED ]]; do
    ((SECONDS < deadline)) || die "job $id is still $state ${STOP_TIMEOUT}s after cancel"
    sleep 0.3
  done
  checkpoint=$(cc_http_get "$REST_URL/jobs/$id/checkpoints" 2>/dev/null \
    | jq -r '.latest.completed.external_path // "none"' 2>/dev/null || echo none)
  printf 'checkpoint: %s\ncancelled: %s\n' "$checkpoint" "$id"
}

# ---------------------------------------------------------------------------------------------

main() {
  [[ $# -gt 0 ]] || { usage >&2; exit 2; }
  local command=$1
  shift
  case $command in
    -h | --help | help) usage; return 0 ;;
  esac
  # The distribution's jars run as this user, and its pidfiles name processes to signal.
  require_safe_dir "$FLINK_HOME"
  require_safe_dir "$FLINK_RUN_DIR"
  case $command in
    assemble) cmd_assemble "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    list) cmd_list "$@" ;;
    submit) cmd_submit "$@" ;;
    stop-job) cmd_stop_job "$@" ;;
    upgrade) cmd_upgrade "$@" ;;
    cancel) cmd_cancel "$@" ;;
    *) usage >&2; die "unknown command '$command'" ;;
  esac
}

main "$@"
