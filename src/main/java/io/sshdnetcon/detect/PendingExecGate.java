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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives CEP only what can change its result: each exec just before the first connection that could
 * match it, and no connection that no exec can match. Keyed like CEP (host.id and the join value),
 * in the order CEP receives events.
 *
 * <p>Why: CEP keeps a partial match for every pending exec, and a key with a partial match fires a
 * timer at every watermark until the exec is retired, reading and clearing its state each time; on
 * RocksDB that cost, for every sshd child in the fleet for the seconds its expiry takes, is what
 * limited the job. And most connections of a fleet come from processes no sshd child started, yet
 * each costs CEP a buffered element and a run of its NFA.
 *
 * <p>So this gate holds the latest exec of its key and passes it on together with the first
 * connection for which CEP's own condition holds, {@code 0 <= t_connect - t_exec <= maxspan}: CEP
 * then matches the two at once, and the match consumes the exec, as it would have. Connections that
 * cannot match are dropped (counted): the latest exec is the only one CEP could match, since a
 * newer exec retires an older one, and one already consumed matches nothing. An {@link
 * Stage#EXPIRE} marker that retires the exec in CEP ({@link ExecThenConnectPattern}) forgets it
 * here. Markers always pass. An exec is passed on at once when CEP may hold an older exec that the
 * new one must retire: one passed on earlier and not yet consumed, or one restored from before.
 *
 * <p>After a restore, CEP may hold execs this gate has no record of (a savepoint of a version
 * without it). Any such exec of a host was released before the restore, and a host's events are
 * released in time order, so it is no later than the first event of that host this subtask sees
 * after the restore, at {@code F}. Until a host's events pass {@code F + maxspan}, its execs pass
 * at once and its connections pass whatever the gate knows; after that, no exec from before the
 * restore can match. The table of those first times is memory only, and forgetting an entry is safe
 * (the host's next event opens a new, later window), so it is trimmed when it grows large.
 */
public final class PendingExecGate extends KeyedProcessFunction<String, RuleEvent, RuleEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** A host whose window after the restore has closed. */
    private static final long CLOSED = Long.MIN_VALUE;

    /** Above this many hosts the closed ones are dropped from the table. */
    static final int MAX_TRACKED_HOSTS = 200_000;

    /** The held exec is only here; CEP has not seen it. */
    static final byte HELD = 0;

    /** CEP has the exec as a pending partial match. */
    static final byte PENDING_IN_CEP = 1;

    /** CEP matched the exec, which consumed it: it matches nothing more. */
    static final byte CONSUMED = 2;

    private final long maxSpanMs;

    private transient ValueState<RuleEvent> latestExec;
    private transient ValueState<Byte> latestExecState;
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
                        .getState(
                                new ValueStateDescriptor<>(
                                        "latest-exec", TypeInformation.of(RuleEvent.class)));
        latestExecState =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("latest-exec-state", Types.BYTE));
        withoutExec =
                JobCounter.register(getRuntimeContext(), MetricNames.CONNECTIONS_WITHOUT_EXEC);
    }

    @Override
    public void processElement(RuleEvent event, Context ctx, Collector<RuleEvent> out)
            throws Exception {
        boolean inRestoreWindow = inRestoreWindow(event);
        switch (event.stage()) {
            case EXEC -> {
                Byte previous = latestExecState.value();
                latestExec.update(event);
                if (inRestoreWindow || (previous != null && previous == PENDING_IN_CEP)) {
                    out.collect(event);
                    latestExecState.update(PENDING_IN_CEP);
                } else {
                    latestExecState.update(HELD);
                }
            }
            case EXPIRE -> {
                RuleEvent exec = latestExec.value();
                if (exec != null && event.timestamp() - exec.timestamp() >= maxSpanMs) {
                    latestExec.clear();
                    latestExecState.clear();
                }
                out.collect(event);
            }
            case CONNECT -> connect(event, inRestoreWindow, out);
        }
    }

    private void connect(RuleEvent connect, boolean inRestoreWindow, Collector<RuleEvent> out)
            throws Exception {
        RuleEvent exec = latestExec.value();
        long gap = exec == null ? -1 : connect.timestamp() - exec.timestamp();
        if (gap >= 0 && gap <= maxSpanMs) {
            byte state = latestExecState.value();
            if (state == CONSUMED) {
                withoutExec.inc();
                return;
            }
            if (state == HELD) {
                out.collect(exec);
            }
            out.collect(connect);
            latestExecState.update(CONSUMED);
        } else if (inRestoreWindow) {
            out.collect(connect);
        } else {
            withoutExec.inc();
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
