package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps from CEP the connections that no exec can match, keyed like CEP (host.id and the join
 * value), and in the order CEP receives them.
 *
 * <p>Most connections of a fleet are made by processes that no sshd child started, so their key
 * never has a pending exec; yet each one costs CEP a buffered element, a run of its NFA and, on
 * RocksDB, several reads and writes of the whole event. This gate remembers the latest exec of its
 * key (one {@code long}) and passes a connection only when CEP's own condition could hold for it:
 * {@code 0 <= t_connect - t_exec <= maxspan} against that latest exec, since a newer exec retires
 * an older one. An {@link Stage#EXPIRE} marker that would retire the exec in CEP ({@link
 * ExecThenConnectPattern}) forgets it here too, so the state lives exactly as long as CEP's pending
 * exec. Execs and markers always pass. Passing too much is always safe (CEP decides); only a
 * connection that cannot match is dropped.
 *
 * <p>After a restore, CEP may hold execs this gate has no record of (a savepoint of a version
 * without it). Any such exec of a host was released before the restore, and a host's events are
 * released in time order, so it is no later than the first event of that host this subtask sees
 * after the restore, at {@code F}. Until a host's events pass {@code F + maxspan}, its connections
 * pass whatever the gate knows; after that, no exec from before the restore can match them. The
 * table of those first times is memory only, and forgetting an entry is safe (the host's next event
 * opens a new, later window), so it is trimmed when it grows large.
 */
public final class PendingExecGate extends KeyedProcessFunction<String, RuleEvent, RuleEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** A host whose window after the restore has closed. */
    private static final long CLOSED = Long.MIN_VALUE;

    /** Above this many hosts the closed ones are dropped from the table. */
    static final int MAX_TRACKED_HOSTS = 200_000;

    private final long maxSpanMs;

    private transient ValueState<Long> latestExec;
    private transient JobCounter withoutExec;

    /** After a restore: per host, the time of its first event since then, or {@link #CLOSED}. */
    private transient Map<String, Long> firstSinceRestore;

    public PendingExecGate(long maxSpanMs) {
        this.maxSpanMs = maxSpanMs;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        firstSinceRestore = context.isRestored() ? new HashMap<>() : null;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void open(OpenContext openContext) {
        latestExec =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("latest-exec-time", Types.LONG));
        withoutExec =
                JobCounter.register(getRuntimeContext(), MetricNames.CONNECTIONS_WITHOUT_EXEC);
    }

    @Override
    public void processElement(RuleEvent event, Context ctx, Collector<RuleEvent> out)
            throws Exception {
        boolean inRestoreWindow = inRestoreWindow(event);
        switch (event.stage()) {
            case EXEC -> {
                latestExec.update(event.timestamp());
                out.collect(event);
            }
            case EXPIRE -> {
                Long exec = latestExec.value();
                if (exec != null && event.timestamp() - exec >= maxSpanMs) {
                    latestExec.clear();
                }
                out.collect(event);
            }
            case CONNECT -> {
                Long exec = latestExec.value();
                long gap = exec == null ? -1 : event.timestamp() - exec;
                if ((gap >= 0 && gap <= maxSpanMs) || inRestoreWindow) {
                    out.collect(event);
                } else {
                    withoutExec.inc();
                }
            }
        }
    }

    /** Whether the event's host may still have an exec from before the restore that it matches. */
    private boolean inRestoreWindow(RuleEvent event) {
        if (firstSinceRestore == null) {
            return false;
        }
        Long first = firstSinceRestore.get(event.hostId());
        if (first == null) {
            if (firstSinceRestore.size() >= MAX_TRACKED_HOSTS) {
                dropClosedHosts();
            }
            firstSinceRestore.put(event.hostId(), event.timestamp());
            return true;
        }
        if (first == CLOSED) {
            return false;
        }
        if (event.timestamp() - first <= maxSpanMs) {
            return true;
        }
        firstSinceRestore.put(event.hostId(), CLOSED);
        return false;
    }

    private void dropClosedHosts() {
        for (Iterator<Long> it = firstSinceRestore.values().iterator(); it.hasNext(); ) {
            if (it.next() == CLOSED) {
                it.remove();
            }
        }
    }
}
