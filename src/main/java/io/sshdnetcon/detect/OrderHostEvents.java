package io.sshdnetcon.detect;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.LateEvents;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Puts each host's candidates in the host's own event-time order before they reach CEP, so no other
 * host's clock, delay or silence can make one late or hold it back.
 *
 * <p>Keyed by {@code host.id}. A candidate is late iff its time is at or before (the newest time
 * received from its host - bound - 1); late ones go to the side output with that newest time. The
 * others wait until the host's newest time has moved past them by more than the bound (its release
 * frontier), and then leave in (time, exec before connect, arrival) order, the order the rule's
 * sequence is judged in. After an exec has left, an {@link Stage#EXPIRE} marker follows it once the
 * frontier passes its maxspan, so the pattern retires it without a window.
 *
 * <p>A host whose input stops is judged on what has arrived: after {@code idleness} of processing
 * time without input, every candidate it holds is released. The expiry markers past the last of
 * them stay held, so an exec released by the flush still matches a connection within its span that
 * arrives later; they leave when the host's frontier passes them, or with the host's state. What
 * arrives after a flush behind a candidate it released can no longer be put in order before it:
 * such a candidate is late too (dead-lettered with what the flush released), never silently judged
 * out of order. A host's state is dropped after {@code retention} without input. Silence is counted
 * only while the job runs: after a restore, however long the job was stopped, a host's idleness and
 * retention start again, so the backlog it sent meanwhile is read before anything is judged. A
 * bounded input releases everything at its end.
 */
public final class OrderHostEvents extends KeyedProcessFunction<String, HostEvent, RuleEvent> {

    private static final long serialVersionUID = 1L;

    /** Time order, then exec before connect before expiry. */
    private static final Comparator<RuleEvent> RELEASE_POSITION =
            Comparator.comparingLong(RuleEvent::timestamp)
                    .thenComparingInt(e -> e.stage().ordinal());

    /** Time order, then exec before connect before expiry, then arrival. */
    private static final Comparator<Pending> RELEASE_ORDER =
            Comparator.comparingLong((Pending p) -> p.event.timestamp())
                    .thenComparingInt(p -> p.event.stage().ordinal())
                    .thenComparingLong(p -> p.sequence);

    private final OutputTag<DeadLetter> lateEvents;
    private final long boundMs;
    private final long maxSpanMs;
    private final long idlenessMs;
    private final long retentionMs;

    private transient ValueState<Long> newest;
    private transient ListState<RuleEvent> pending;
    private transient ValueState<Long> earliestPending;
    private transient ValueState<Long> lastInput;
    private transient ValueState<Long> timer;

    /** The time of the last candidate an idle flush released, and whether it was a connection. */
    private transient ValueState<Long> flushedThrough;

    private transient ValueState<Boolean> flushedConnection;

    private transient JobCounter late;

    /**
     * The processing time this instance first ran at: silence is counted from here at the earliest,
     * because no host can be heard while the job is stopped or restarting.
     */
    private transient long runStartedAt;

    /**
     * @param bound the per-host out-of-orderness bound
     * @param maxSpan the sequence's inclusive maxspan
     * @param idleness release a silent host's events after this much processing time; null or zero
     *     for never (replay, where the end of the input releases them)
     * @param retention drop a silent host's state after this much processing time without input
     */
    public OrderHostEvents(
            OutputTag<DeadLetter> lateEvents,
            Duration bound,
            Duration maxSpan,
            Duration idleness,
            Duration retention) {
        this.lateEvents = lateEvents;
        this.boundMs = bound.toMillis();
        this.maxSpanMs = maxSpan.toMillis();
        this.idlenessMs = idleness == null ? 0 : idleness.toMillis();
        this.retentionMs = Math.max(retention.toMillis(), idlenessMs);
    }

    @Override
    public void open(OpenContext openContext) {
        newest = getRuntimeContext().getState(new ValueStateDescriptor<>("newest", Types.LONG));
        pending =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "pending", TypeInformation.of(RuleEvent.class)));
        earliestPending =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("earliest-pending", Types.LONG));
        lastInput =
                getRuntimeContext().getState(new ValueStateDescriptor<>("last-input", Types.LONG));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        flushedThrough =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("flushed-through", Types.LONG));
        flushedConnection =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("flushed-connection", Types.BOOLEAN));
        late = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_LATE);
        // Set here, not by an initializer: the function reaches the task deserialized.
        runStartedAt = Long.MIN_VALUE;
    }

    @Override
    public void processElement(HostEvent in, Context ctx, Collector<RuleEvent> out)
            throws Exception {
        Long stored = newest.value();
        long hostNewest = stored == null ? HostEvent.NO_CLOCK : stored;
        hostNewest = Math.max(hostNewest, in.hostClockBefore());
        RuleEvent event = in.event();
        boolean held = false;
        if (event != null
                && hostNewest != HostEvent.NO_CLOCK
                && event.timestamp() <= hostNewest - boundMs - 1) {
            late.inc();
            ctx.output(
                    lateEvents,
                    LateEvents.behindItsHost(
                            event, hostNewest, boundMs, in.source(), in.partition(), in.offset()));
        } else if (event != null && isBehindAFlush(event)) {
            late.inc();
            ctx.output(
                    lateEvents,
                    LateEvents.behindAnIdleFlush(
                            event,
                            flushedThrough.value(),
                            in.source(),
                            in.partition(),
                            in.offset()));
        } else if (event != null) {
            held = true;
            pending.add(event);
            Long earliest = earliestPending.value();
            if (earliest == null || event.timestamp() < earliest) {
                earliestPending.update(event.timestamp());
            }
            // Fires only at the end of a bounded input; one per host, however often registered.
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        hostNewest = Math.max(hostNewest, in.timestamp());
        newest.update(hostNewest);
        release(hostNewest - boundMs - 1, out);
        if (idlenessMs > 0) {
            long now = now(ctx);
            lastInput.update(now);
            Long scheduled = timer.value();
            if (scheduled == null) {
                schedule(now + idlenessMs, ctx);
            } else if (scheduled > now + idlenessMs && held && earliestPending.value() != null) {
                // The timer waits for the retention; the candidate held now must leave after the
                // idleness.
                ctx.timerService().deleteProcessingTimeTimer(scheduled);
                schedule(now + idlenessMs, ctx);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RuleEvent> out)
            throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            release(Long.MAX_VALUE, out);
            return;
        }
        timer.clear();
        // A timer restored from a snapshot fires at once, however long ago it was due.
        long now = Math.max(timestamp, now(ctx));
        long quietSince =
                Math.max(lastInput.value() == null ? timestamp : lastInput.value(), runStartedAt);
        if (quietSince + retentionMs <= now) {
            // Forgotten: the expiry markers a flush kept retire their execs now.
            release(Long.MAX_VALUE, out);
            newest.clear();
            lastInput.clear();
            flushedThrough.clear();
            flushedConnection.clear();
            // Nothing is held now; the end-of-input timer would outlive the host in every snapshot.
            ctx.timerService().deleteEventTimeTimer(Long.MAX_VALUE);
            return;
        }
        RuleEvent last = lastCandidate();
        if (last != null) {
            if (quietSince + idlenessMs <= now) {
                flush(last, out);
            } else {
                schedule(quietSince + idlenessMs, ctx);
                return;
            }
        }
        schedule(quietSince + retentionMs, ctx);
    }

    /**
     * Whether {@code event} would have to go before a candidate an idle flush has released: a time
     * before it, or an exec at the time of a released connection (execs go first at equal times).
     */
    private boolean isBehindAFlush(RuleEvent event) throws Exception {
        Long through = flushedThrough.value();
        if (through == null) {
            return false;
        }
        return event.timestamp() < through
                || (event.timestamp() == through
                        && event.stage() == Stage.EXEC
                        && Boolean.TRUE.equals(flushedConnection.value()));
    }

    /** The candidate held that goes last in release order, or null if only markers are held. */
    private RuleEvent lastCandidate() throws Exception {
        if (earliestPending.value() == null) {
            return null;
        }
        RuleEvent last = null;
        for (RuleEvent e : pending.get()) {
            if (e.stage() != Stage.EXPIRE
                    && (last == null || RELEASE_POSITION.compare(e, last) > 0)) {
                last = e;
            }
        }
        return last;
    }

    /** Releases every candidate held, up to {@code last}, and the markers before it. */
    private void flush(RuleEvent last, Collector<RuleEvent> out) throws Exception {
        // Expiry markers at the last candidate's time stay: they go after a connection of that
        // time, which may still arrive.
        release(last.timestamp(), last.stage(), out);
        flushedThrough.update(last.timestamp());
        flushedConnection.update(last.stage() == Stage.CONNECT);
    }

    private long now(Context ctx) {
        long now = ctx.timerService().currentProcessingTime();
        if (runStartedAt == Long.MIN_VALUE) {
            runStartedAt = now;
        }
        return now;
    }

    private void schedule(long at, Context ctx) throws Exception {
        timer.update(at);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    /** Emits, in release order, what the frontier has passed; expiry markers included. */
    private void release(long frontier, Collector<RuleEvent> out) throws Exception {
        release(frontier, Stage.EXPIRE, out);
    }

    /**
     * Emits, in release order, everything up to the position ({@code frontier}, {@code lastStage}):
     * earlier times, and at {@code frontier} the stages up to {@code lastStage}.
     */
    private void release(long frontier, Stage lastStage, Collector<RuleEvent> out)
            throws Exception {
        Long earliest = earliestPending.value();
        if (earliest == null || earliest > frontier) {
            return;
        }
        PriorityQueue<Pending> queue = new PriorityQueue<>(RELEASE_ORDER);
        long sequence = 0;
        for (RuleEvent e : pending.get()) {
            queue.add(new Pending(e, sequence++));
        }
        while (!queue.isEmpty() && isAtOrBefore(queue.peek().event, frontier, lastStage)) {
            RuleEvent e = queue.poll().event;
            if (e.stage() == Stage.EXEC) {
                queue.add(new Pending(expiryOf(e), sequence++));
            }
            out.collect(e);
        }
        if (queue.isEmpty()) {
            pending.clear();
            earliestPending.clear();
            return;
        }
        List<Pending> rest = new ArrayList<>(queue);
        rest.sort(Comparator.comparingLong(p -> p.sequence));
        List<RuleEvent> kept = new ArrayList<>(rest.size());
        long min = Long.MAX_VALUE;
        for (Pending p : rest) {
            kept.add(p.event);
            min = Math.min(min, p.event.timestamp());
        }
        pending.update(kept);
        earliestPending.update(min);
    }

    private static boolean isAtOrBefore(RuleEvent e, long frontier, Stage lastStage) {
        return e.timestamp() < frontier
                || (e.timestamp() == frontier && e.stage().ordinal() <= lastStage.ordinal());
    }

    private RuleEvent expiryOf(RuleEvent exec) {
        return new RuleEvent(
                Stage.EXPIRE,
                exec.hostId(),
                exec.joinId(),
                exec.timestamp() + maxSpanMs,
                exec.eventId(),
                RuleEvent.NO_ADDRESSES,
                List.of(),
                List.of(),
                new byte[0],
                0L,
                null);
    }

    private record Pending(RuleEvent event, long sequence) {}
}
