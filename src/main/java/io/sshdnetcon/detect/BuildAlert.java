package io.sshdnetcon.detect;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.rule.RuleMetadata;
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

    /** How a match becomes a document; a seam so tests can make rendering fail on purpose. */
    @FunctionalInterface
    interface Renderer extends java.io.Serializable {
        AlertDocument render(AlertDocumentWriter writer, SequenceMatch match, long detectedAt)
                throws Exception;
    }

    private final OutputTag<DeadLetter> deadLetters;
    private final Renderer renderer;

    private transient AlertDocumentWriter writer;
    private transient JobCounter alerts;
    private transient JobCounter failures;
    private transient Histogram latency;

    public BuildAlert(OutputTag<DeadLetter> deadLetters) {
        this(deadLetters, AlertDocumentWriter::write);
    }

    BuildAlert(OutputTag<DeadLetter> deadLetters, Renderer renderer) {
        this.deadLetters = deadLetters;
        this.renderer = renderer;
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
        AlertDocument alert;
        try {
            alert = renderer.render(writer, match, now);
        } catch (Exception | StackOverflowError e) {
            // A match is built from two events the parser accepted, within limits that keep every
            // walk over them shallow, so this is a last line of defence. It must not fail the job:
            // after a restart the same events would be read again and fail again, stopping
            // detection for good.
            //
            // StackOverflowError is a VirtualMachineError, but it is the one a record's shape can
            // cause, and here it is safe to catch: it is thrown in this thread at the overflowing
            // call, and unwinds only frames of the writer, which touch nothing but this match's
            // own trees and buffers (downstream operators are outside this try); the JVM reserves
            // stack to throw it, and the stack is shallow again at this frame. The other
            // VirtualMachineErrors (OutOfMemoryError, InternalError) and LinkageErrors describe the
            // JVM or the deployment, not the record: as dead letters they would quietly lose every
            // alert of a broken TaskManager, so they fail the task and Flink restarts it.
            deadLetter(match, e, ctx, now);
            return;
        }
        try {
            out.collect(alert);
        } catch (RuntimeException e) {
            deadLetter(match, e, ctx, now);
            return;
        }
        alerts.inc();
        latency.update(now - match.connect().timestamp());
    }

    private void deadLetter(SequenceMatch match, Throwable e, Context ctx, long now) {
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
    }
}
