package io.sshdnetcon.event;

import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after the source (chained, no shuffle): counts every record, sends bad ones to the dead
 * letters, drops the irrelevant bulk, and forwards candidates.
 *
 * <p>Lateness is decided here, against the watermark of this same task, so it depends only on the
 * order of the input and never on how fast other inputs (such as the exclusions stream) advance.
 * An event that is on time here is on time at the CEP operator too, because that operator's
 * watermark can only trail this one.
 */
public final class RouteParsedRecords extends ProcessFunction<ParsedRecord, RuleEvent> {

    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final OutputTag<DeadLetter> lateEvents;

    private transient JobCounter in;
    private transient JobCounter parsed;
    private transient JobCounter malformed;
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
        malformed = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MALFORMED);
        irrelevant = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_IRRELEVANT);
        relevant = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_RELEVANT);
        missingJoinKey = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_MISSING_JOIN_KEY);
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
                malformed.inc();
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

    private void deadLetter(Context ctx, DeadLetter letter) {
        deadLettered.inc();
        ctx.output(deadLetters, letter);
    }
}
