package io.sshdnetcon.metrics;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * One count kept twice: as a Flink metric (live, per subtask, in the web UI and on the Prometheus
 * endpoint) and as an accumulator (summed over the job, so a bounded replay can print a summary
 * when it ends).
 */
public final class JobCounter {

    /** Metric group every detector metric lives under. */
    public static final String GROUP = "sshdnetcon";

    private final Counter metric;
    private final LongCounter total;

    private JobCounter(Counter metric, LongCounter total) {
        this.metric = metric;
        this.total = total;
    }

    /** Registers {@code name} as a metric in the detector group and as an accumulator. */
    public static JobCounter register(RuntimeContext context, String name) {
        return new JobCounter(group(context).counter(name), context.getLongCounter(name));
    }

    /**
     * A metric labelled {@code labelKey=labelValue} (a Prometheus label) that also adds to the
     * unlabelled job-wide accumulator {@code name}.
     */
    public static JobCounter registerLabelled(
            RuntimeContext context, String name, String labelKey, String labelValue) {
        return new JobCounter(
                group(context).addGroup(labelKey, labelValue).counter(name),
                context.getLongCounter(name));
    }

    public static MetricGroup group(RuntimeContext context) {
        return context.getMetricGroup().addGroup(GROUP);
    }

    public void inc() {
        metric.inc();
        total.add(1L);
    }
}
