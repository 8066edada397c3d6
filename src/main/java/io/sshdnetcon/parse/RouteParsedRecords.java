package io.sshdnetcon.parse;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.metrics.ReadWindow;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after the source (chained, no shuffle): counts every record, sends bad ones to the dead
 * letters, drops the irrelevant bulk, and forwards candidates with their host's clock.
 *
 * <p>Time is per host: each candidate carries the newest {@code @timestamp} seen from its host
 * before it, and the per-host ordering downstream decides lateness from that and its own state. A
 * host's records all come through one task (Kafka records are keyed by {@code host.id}; a replay
 * file is one split), so this clock follows the host's input order.
 */
public final class RouteParsedRecords extends ProcessFunction<ParsedRecord, HostEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Reasons the parser gives, registered up front so dashboards see them at zero. */
    private static final Set<DeadLetterReason> PARSE_REASONS =
            EnumSet.of(
                    DeadLetterReason.NOT_JSON,
                    DeadLetterReason.NOT_AN_OBJECT,
                    DeadLetterReason.DUPLICATE_KEY,
                    DeadLetterReason.INVALID_TIMESTAMP,
                    DeadLetterReason.WRONG_TYPE,
                    DeadLetterReason.RECORD_TOO_LARGE,
                    DeadLetterReason.NESTING_TOO_DEEP,
                    DeadLetterReason.NAME_TOO_LONG,
                    DeadLetterReason.NUMBER_TOO_LONG,
                    DeadLetterReason.STRING_TOO_LONG);

    private final OutputTag<DeadLetter> deadLetters;
    private final long boundMs;
    private final long maxSpanMs;

    private final long retentionMs;

    /**
     * Per host: the newest {@code @timestamp} seen, how far its time must still advance for the
     * ordering downstream to release and retire its candidates, and its clock offset. Not in state:
     * the ordering keeps what lateness needs; this only spares it a record per irrelevant event.
     */
    private transient HostClocks hostClocks;

    /**
     * After a restore the ordering may hold candidates this task has not seen. Each host is then
     * awaited from its first record until its time passes that record's by bound + maxspan, which
     * covers what the host can hold unless its clock stepped back across the restore (the idle
     * flush covers that).
     */
    private transient boolean restored;

    private transient JobCounter in;
    private transient JobCounter parsed;

    /** Per reason; each also adds to the job-wide {@code events_malformed} accumulator. */
    private transient Map<DeadLetterReason, JobCounter> malformed;

    private transient JobCounter irrelevant;
    private transient JobCounter skipped;
    private transient ReadWindow readWindow;
    private transient JobCounter relevant;
    private transient JobCounter missingJoinKey;
    private transient JobCounter multiValuedJoinKey;
    private transient JobCounter invalidDestination;
    private transient JobCounter deadLettered;

    /**
     * @param bound the per-host out-of-orderness bound
     * @param maxSpan the sequence's maxspan: an exec needs its host's time to pass it
     * @param retention forget a host not heard from for this long (processing time)
     */
    public RouteParsedRecords(
            OutputTag<DeadLetter> deadLetters,
            Duration bound,
            Duration maxSpan,
            Duration retention) {
        this.deadLetters = deadLetters;
        this.boundMs = bound.toMillis();
        this.maxSpanMs = maxSpan.toMillis();
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        in = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_IN);
        parsed = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_PARSED);
        malformed = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : PARSE_REASONS) {
            malformed(reason);
        }
        irrelevant = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_IRRELEVANT);
        skipped = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_SKIPPED);
        readWindow = ReadWindow.register(getRuntimeContext());
        relevant = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_RELEVANT);
        missingJoinKey =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MISSING_JOIN_KEY);
        multiValuedJoinKey =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MULTI_VALUED_JOIN_KEY);
        invalidDestination =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_INVALID_DESTINATION);
        hostClocks = new HostClocks(retentionMs);
        MetricGroup group = JobCounter.group(getRuntimeContext());
        group.gauge(MetricNames.HOSTS_TRACKED, (Gauge<Integer>) () -> hostClocks.spread().hosts());
        group.gauge(
                MetricNames.HOSTS_CLOCK_AHEAD_1M,
                (Gauge<Integer>) () -> hostClocks.spread().ahead1m());
        group.gauge(
                MetricNames.HOSTS_CLOCK_AHEAD_1H,
                (Gauge<Integer>) () -> hostClocks.spread().ahead1h());
        group.gauge(
                MetricNames.HOSTS_CLOCK_BEHIND_1M,
                (Gauge<Integer>) () -> hostClocks.spread().behind1m());
        group.gauge(
                MetricNames.HOSTS_CLOCK_BEHIND_1H,
                (Gauge<Integer>) () -> hostClocks.spread().behind1h());
        group.gauge(
                MetricNames.HOST_CLOCK_OFFSET_MAX_MS,
                (Gauge<Long>) () -> hostClocks.spread().maxAbsMs());
        deadLettered = JobCounter.register(getRuntimeContext(), MetricNames.DEAD_LETTERED);
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<HostEvent> out) {
        in.inc();
        readWindow.record();
        hostClocks.tick();
        switch (record.outcome()) {
            case MALFORMED -> {
                malformed(record.deadLetter().reason()).inc();
                deadLetter(ctx, record.deadLetter());
            }
            case INVALID_DESTINATION -> {
                parsed.inc();
                invalidDestination.inc();
                deadLetter(ctx, record.deadLetter());
                clockMoved(record, out);
            }
            case IRRELEVANT -> {
                parsed.inc();
                irrelevant.inc();
                clockMoved(record, out);
            }
            case SKIPPED -> {
                skipped.inc();
                clockMoved(record, out);
            }
            case MISSING_JOIN_KEY -> {
                parsed.inc();
                missingJoinKey.inc();
                clockMoved(record, out);
            }
            case MULTI_VALUED_JOIN_KEY -> {
                parsed.inc();
                multiValuedJoinKey.inc();
                clockMoved(record, out);
            }
            case CANDIDATE -> {
                parsed.inc();
                relevant.inc();
                long t = record.timestamp();
                HostClocks.Clock clock = hostClock(record.hostId(), t);
                long before = clock.newest;
                out.collect(
                        new HostEvent(
                                record.hostId(),
                                before,
                                t,
                                record.event().withArrivalDelay(arrivalDelay(record, before)),
                                record.source(),
                                record.partition(),
                                record.offset()));
                advance(clock, record);
                // The ordering releases this event once the host's frontier passes it, and an
                // exec's expiry once it passes the maxspan; the candidate itself has moved it.
                clock.deadlines.add(t);
                if (record.event().stage() == Stage.EXEC) {
                    clock.deadlines.add(t + maxSpanMs);
                }
                clock.deadlines.removeAtOrBefore(frontier(clock.newest));
            }
        }
    }

    /**
     * A record the rule does not use still moves its host's time. The ordering hears of it only
     * when that moves the host's release frontier (newest time - bound - 1) past a time at which it
     * has something to release or retire: most irrelevant events then cost no shuffle.
     */
    private void clockMoved(ParsedRecord record, Collector<HostEvent> out) {
        if (record.hostId() == null) {
            return;
        }
        long t = record.timestamp();
        HostClocks.Clock clock = hostClock(record.hostId(), t);
        long before = clock.newest;
        if (!advance(clock, record)) {
            return;
        }
        long frontier = frontier(t);
        boolean restoredAndAwaited =
                clock.awaitedUntil != Long.MIN_VALUE
                        && (before == HostEvent.NO_CLOCK || frontier(before) < clock.awaitedUntil);
        boolean releases = clock.deadlines.removeAtOrBefore(frontier) > 0;
        if (releases || restoredAndAwaited) {
            out.collect(HostEvent.clock(record.hostId(), before, t));
        }
    }

    private long frontier(long newest) {
        return newest - boundMs - 1;
    }

    private HostClocks.Clock hostClock(String hostId, long firstSeen) {
        return hostClocks.touch(
                hostId, restored ? firstSeen + boundMs + maxSpanMs : Long.MIN_VALUE);
    }

    /**
     * Moves the host's newest time to the record's if it is newer, and takes the host's clock
     * offset from it: a record that is its host's newest has not waited behind the host's other
     * records, so its distance to its arrival time is the best view of the host's clock.
     *
     * @return whether the host's time moved
     */
    private static boolean advance(HostClocks.Clock clock, ParsedRecord record) {
        long t = record.timestamp();
        if (t <= clock.newest) {
            return false;
        }
        clock.newest = t;
        if (record.arrivalTime() != ParsedRecord.NO_TIMESTAMP) {
            clock.offsetMs = t - record.arrivalTime();
            clock.hasOffset = true;
        }
        return true;
    }

    /**
     * The Kafka record's timestamp minus {@code @timestamp}; a file has no arrival time, so there
     * it is how far the event came behind its host's newest time (0 when it is the newest).
     */
    private static long arrivalDelay(ParsedRecord record, long hostNewestBefore) {
        long t = record.timestamp();
        if (record.arrivalTime() != ParsedRecord.NO_TIMESTAMP) {
            return record.arrivalTime() - t;
        }
        return Math.max(hostNewestBefore, t) - t;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        restored = context.isRestored();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Nothing to keep: the ordering holds each host's newest time in keyed state.
    }

    private JobCounter malformed(DeadLetterReason reason) {
        return malformed.computeIfAbsent(
                reason,
                r ->
                        JobCounter.registerLabelled(
                                getRuntimeContext(),
                                MetricNames.EVENTS_MALFORMED,
                                MetricNames.MALFORMED_REASON_LABEL,
                                r.code()));
    }

    private void deadLetter(Context ctx, DeadLetter letter) {
        deadLettered.inc();
        ctx.output(deadLetters, letter);
    }
}
