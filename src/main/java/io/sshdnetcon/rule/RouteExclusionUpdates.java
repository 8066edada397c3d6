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

/** Splits the validated control stream: accepted sets go on to broadcast, rejected ones to the dead letters. */
public final class RouteExclusionUpdates extends ProcessFunction<ExclusionUpdate, ExclusionSet> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RouteExclusionUpdates.class);

    private final OutputTag<DeadLetter> deadLetters;
    private transient JobCounter rejected;

    public RouteExclusionUpdates(OutputTag<DeadLetter> deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = JobCounter.register(getRuntimeContext(), MetricNames.EXCLUSION_SETS_REJECTED);
    }

    @Override
    public void processElement(ExclusionUpdate update, Context ctx, Collector<ExclusionSet> out) {
        if (update.set() != null) {
            out.collect(update.set());
            return;
        }
        rejected.inc();
        LOG.error("Rejected exclusion set (the active set stays in force): {}", update.rejected().detail());
        ctx.output(deadLetters, update.rejected());
    }
}
