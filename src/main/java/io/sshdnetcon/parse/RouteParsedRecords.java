package io.sshdnetcon.parse;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.LateEvents;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after the source (chained, no shuffle): counts every record, sends bad ones to the dead
 * letters, drops the irrelevant bulk, and forwards candidates.
 *
 * <p>Lateness is decided here, against the watermark of this same task, so it depends only on the
 * order of the input and never on how fast other inputs (such as the exclusions stream) advance. An
 * event that is on time here is on time at the CEP operator too, because that operator's watermark
 * can only trail this one.
 */
public final class RouteParsedRecords extends ProcessFunction<ParsedRecord, RuleEvent> {

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
    private final OutputTag<DeadLetter> lateEvents;

    private transient JobCounter in;
    private transient JobCounter parsed;

    /** Per reason; each also adds to the job-wide {@code events_malformed} accumulator. */
    private transient Map<DeadLetterReason, JobCounter> malformed;

    private transient JobCounter irrelevant;
    private transient JobCounter relevant;
    private transient JobCounter missingJoinKey;
    private transient JobCounter multiValuedJoinKey;
    private transient JobCounter invalidDestination;
    private transient JobCounter late;
    private transient JobCounter deadLettered;

    public RouteParsedRecords(OutputTag<DeadLetter> deadLetters, OutputTag<DeadLetter> lateEvents) {
        this.deadLetters = deadLetters;
        this.lateEvents = lateEvents;
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
        late = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_LATE);
        deadLettered = JobCounter.register(getRuntimeContext(), MetricNames.DEAD_LETTERED);
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<RuleEvent> out) {
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
            }
            case IRRELEVANT -> {
                parsed.inc();
                irrelevant.inc();
            }
            case MISSING_JOIN_KEY -> {
                parsed.inc();
                missingJoinKey.inc();
            }
            case MULTI_VALUED_JOIN_KEY -> {
                parsed.inc();
                multiValuedJoinKey.inc();
            }
            case CANDIDATE -> {
                parsed.inc();
                relevant.inc();
                long watermark = ctx.timerService().currentWatermark();
                if (record.timestamp() <= watermark) {
                    late.inc();
                    ctx.output(
                            lateEvents,
                            LateEvents.deadLetter(
                                    record.event(),
                                    watermark,
                                    record.source(),
                                    record.partition(),
                                    record.offset()));
                } else {
                    out.collect(record.event());
                }
            }
        }
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
