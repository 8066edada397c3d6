package io.sshdnetcon.detect;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.rule.RuleMetadata;
import java.io.IOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Turns each match into its alert document; a match that cannot be rendered is dead-lettered. */
public final class BuildAlert extends ProcessFunction<SequenceMatch, AlertDocument> {

    private static final long serialVersionUID = 1L;
    private static final int LATENCY_WINDOW = 1024;

    private final OutputTag<DeadLetter> deadLetters;

    private transient AlertDocumentWriter writer;
    private transient JobCounter alerts;
    private transient JobCounter failures;
    private transient Histogram latency;

    public BuildAlert(OutputTag<DeadLetter> deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        writer = new AlertDocumentWriter(RuleMetadata.get());
        alerts = JobCounter.register(getRuntimeContext(), MetricNames.ALERTS);
        failures = JobCounter.register(getRuntimeContext(), MetricNames.ALERT_BUILD_FAILURES);
        latency =
                JobCounter.group(getRuntimeContext())
                        .histogram(
                                MetricNames.DETECTION_LATENCY_MS,
                                new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    }

    @Override
    public void processElement(SequenceMatch match, Context ctx, Collector<AlertDocument> out) {
        long now = System.currentTimeMillis();
        try {
            out.collect(writer.write(match, now));
        } catch (IOException | RuntimeException e) {
            failures.inc();
            ctx.output(
                    deadLetters,
                    new DeadLetter(
                            DeadLetterReason.ALERT_BUILD_FAILED,
                            "could not build the alert for " + match + ": " + e,
                            match.connect().raw(),
                            "alerts",
                            -1,
                            -1,
                            now));
            return;
        }
        alerts.inc();
        latency.update(now - match.connect().timestamp());
    }
}
