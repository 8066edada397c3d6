package io.sshdnetcon.rule;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the validated control stream: sets the {@link ExclusionPolicy} allows go on to broadcast;
 * invalid records, and sets that would exclude every address, go to the dead letters. Whether a
 * set's version may replace the one in force is decided where that set is known ({@link
 * ApplyExclusions}).
 */
public final class RouteExclusionUpdates extends ProcessFunction<ExclusionUpdate, ExclusionUpdate> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RouteExclusionUpdates.class);

    private final ExclusionPolicy policy;
    private final OutputTag<DeadLetter> deadLetters;
    private transient JobCounter rejected;

    public RouteExclusionUpdates(ExclusionPolicy policy, OutputTag<DeadLetter> deadLetters) {
        this.policy = policy;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = JobCounter.register(getRuntimeContext(), MetricNames.EXCLUSION_SETS_REJECTED);
    }

    @Override
    public void processElement(
            ExclusionUpdate update, Context ctx, Collector<ExclusionUpdate> out) {
        DeadLetter refusal = update.rejected();
        if (refusal == null) {
            try {
                policy.checkCoverage(update.set());
                out.collect(update);
                return;
            } catch (InvalidExclusionSetException e) {
                refusal = update.refusal(e.getMessage());
            }
        }
        rejected.inc();
        LOG.error("Rejected exclusion set (the active set stays in force): {}", refusal.detail());
        ctx.output(deadLetters, refusal);
    }
}
