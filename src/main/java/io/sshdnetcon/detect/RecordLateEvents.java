package io.sshdnetcon.detect;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.LateEvents;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts and dead-letters events the CEP operator found late. Lateness is normally caught right
 * after the source; this is the safety net that keeps CEP from dropping anything silently.
 */
public final class RecordLateEvents extends ProcessFunction<RuleEvent, DeadLetter> {

    private static final long serialVersionUID = 1L;

    private transient JobCounter late;

    @Override
    public void open(OpenContext openContext) {
        late = JobCounter.register(getRuntimeContext(), MetricNames.EVENTS_LATE);
    }

    @Override
    public void processElement(RuleEvent event, Context ctx, Collector<DeadLetter> out) {
        late.inc();
        out.collect(
                LateEvents.deadLetter(event, ctx.timerService().currentWatermark(), "cep", -1, -1));
    }
}
