package io.sshdnetcon.parse;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
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

    /**
     * Per host: the newest {@code @timestamp} seen, and how far its time must still advance for the
     * ordering downstream to release and retire its candidates. Not in state: the ordering keeps
     * what lateness needs; this only spares it a record per irrelevant event.
     */
    private transient Map<String, long[]> hostClocks;

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
    private transient JobCounter relevant;
    private transient JobCounter missingJoinKey;
    private transient JobCounter multiValuedJoinKey;
    private transient JobCounter invalidDestination;
    private transient JobCounter deadLettered;

    /**
     * @param bound the per-host out-of-orderness bound
     * @param maxSpan the sequence's maxspan: an exec needs its host's time to pass it
     */
    public RouteParsedRecords(OutputTag<DeadLetter> deadLetters, Duration bound, Duration maxSpan) {
        this.deadLetters = deadLetters;
        this.boundMs = bound.toMillis();
        this.maxSpanMs = maxSpan.toMillis();
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
        relevant = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_RELEVANT);
        missingJoinKey =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MISSING_JOIN_KEY);
        multiValuedJoinKey =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MULTI_VALUED_JOIN_KEY);
        invalidDestination =
                JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_INVALID_DESTINATION);
        hostClocks = new HashMap<>();
        deadLettered = JobCounter.register(getRuntimeContext(), MetricNames.DEAD_LETTERED);
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<HostEvent> out) {
        in.inc();
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
                long[] clock = hostClock(record.hostId(), t);
                out.collect(
                        new HostEvent(
                                record.hostId(),
                                clock[0],
                                t,
                                record.event(),
                                record.source(),
                                record.partition(),
                                record.offset()));
                clock[0] = Math.max(clock[0], t);
                clock[1] = Math.max(clock[1], t + maxSpanMs);
            }
        }
    }

    /**
     * A record the rule does not use still moves its host's time. The ordering hears of it only
     * while it may be waiting for that host: while the host's release frontier (newest time - bound
     * - 1) is short of what its candidates need.
     */
    private void clockMoved(ParsedRecord record, Collector<HostEvent> out) {
        if (record.hostId() == null) {
            return;
        }
        long t = record.timestamp();
        long[] clock = hostClock(record.hostId(), t);
        long before = clock[0];
        if (t <= before) {
            return;
        }
        clock[0] = t;
        boolean awaited =
                clock[1] != Long.MIN_VALUE
                        && (before == HostEvent.NO_CLOCK || before - boundMs - 1 < clock[1]);
        if (awaited) {
            out.collect(HostEvent.clock(record.hostId(), before, t));
        }
    }

    private long[] hostClock(String hostId, long firstSeen) {
        long[] clock = hostClocks.get(hostId);
        if (clock == null) {
            long awaitedUntil = restored ? firstSeen + boundMs + maxSpanMs : Long.MIN_VALUE;
            clock = new long[] {HostEvent.NO_CLOCK, awaitedUntil};
            hostClocks.put(hostId, clock);
        }
        return clock;
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
