package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.job.DetectorJobs.Start;
import io.sshdnetcon.job.StreamingRun.Sequence;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job while its dead-letter topic is gone (deleted on the real broker, which does not
 * create topics on its own): detection goes on, checkpoints complete, dead letters wait in the
 * bounded buffer and beyond it are dropped and counted; when the topic returns the buffered ones
 * arrive, and letters held in a savepoint arrive after the restore.
 */
class DeadLetterOutageITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(2, METRICS.addToConfiguration(new Configuration()));

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    private static final int BOUND = 4;

    @TempDir Path dir;

    @Test
    void detectionGoesOnWhileTheDeadLetterTopicIsGone() throws Exception {
        try (StreamingRun run = StreamingRun.create(KAFKA, ELASTICSEARCH, "dlq-outage", 1);
                DetectorJobs jobs = new DetectorJobs()) {
            StreamingJob.Settings settings =
                    run.settings(
                            "earliest",
                            run.exclusionsTopic(),
                            Map.of(
                                    "kafka.dead-letter-buffer.max-records",
                                    Integer.toString(BOUND),
                                    "kafka.dead-letter-buffer.flush-timeout",
                                    "2 s"));
            Configuration job = new Configuration();
            job.setString("execution.checkpointing.interval", "500 ms");
            job.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
            JobClient first =
                    run.watch(
                            jobs.start(
                                    Start.fresh(1).with(job),
                                    settings,
                                    ExclusionSetJson.defaults()));

            long at = 10_000;
            sendMalformed(run, "m0");
            at = alertFor(run, "before", at);
            await(() -> payloads(run).contains("m0"), "m0 in the dead-letter topic");

            // 1. The topic disappears: six letters for a buffer of four.
            KAFKA.deleteTopic(run.deadLetterTopic());
            for (int i = 1; i <= 6; i++) {
                sendMalformed(run, "m" + i);
            }
            long checkpointsBefore = completedCheckpoints(first.getJobID());
            at = alertFor(run, "during", at);
            await(
                    () ->
                            gauge(first.getJobID(), MetricNames.DEAD_LETTERS_BUFFERED) == BOUND
                                    && counter(first.getJobID(), MetricNames.DEAD_LETTERS_DROPPED)
                                            == 2,
                    "four letters buffered and two dropped");
            await(
                    () -> completedCheckpoints(first.getJobID()) >= checkpointsBefore + 3,
                    "checkpoints to go on completing during the outage");
            assertThat(first.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // 2. It returns: the four buffered letters arrive, the two dropped ones never do.
            KAFKA.recreateTopic(run.deadLetterTopic(), 1, false);
            await(
                    () -> gauge(first.getJobID(), MetricNames.DEAD_LETTERS_BUFFERED) == 0,
                    "the buffer to empty");
            assertThat(payloads(run)).containsExactlyInAnyOrder("m1", "m2", "m3", "m4");
            assertThat(counter(first.getJobID(), MetricNames.DEAD_LETTERS_DROPPED)).isEqualTo(2);
            assertThat(counter(first.getJobID(), MetricNames.DEAD_LETTERS_DELIVERED)).isEqualTo(5);

            // 3. Gone again, and the job stops with two letters buffered: they are in the
            // savepoint.
            KAFKA.deleteTopic(run.deadLetterTopic());
            sendMalformed(run, "m7");
            sendMalformed(run, "m8");
            at = alertFor(run, "before-savepoint", at);
            await(
                    () -> gauge(first.getJobID(), MetricNames.DEAD_LETTERS_BUFFERED) == 2,
                    "two letters buffered");
            String savepoint = DetectorJobs.stop(first, dir.resolve("savepoint"));

            KAFKA.recreateTopic(run.deadLetterTopic(), 1, false);
            JobClient second =
                    run.watch(
                            jobs.start(
                                    Start.restore(savepoint, 1).with(job),
                                    run.settings(
                                            "latest",
                                            run.exclusionsTopic(),
                                            Map.of(
                                                    "kafka.dead-letter-buffer.max-records",
                                                    Integer.toString(BOUND))),
                                    ExclusionSetJson.defaults()));
            await(() -> payloads(run).size() == 2, "the letters from the savepoint");
            assertThat(payloads(run)).containsExactlyInAnyOrder("m7", "m8");
            alertFor(run, "after-restore", at);
            assertThat(counter(second.getJobID(), MetricNames.DEAD_LETTERS_DROPPED)).isZero();
        }
    }

    private static void sendMalformed(StreamingRun run, String text) {
        run.send(0, null, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An alerting sequence at {@code at}; waits for its alert; returns the next free time. */
    private static long alertFor(StreamingRun run, String name, long at) {
        Sequence sequence = new Sequence(name, "E-" + name);
        run.send(sequence.exec(at));
        run.send(sequence.connect(at + 100, "1.1.1.1"));
        run.advanceEventTime(at + StreamingRun.FLUSH_FILLER_AFTER);
        run.awaitAlert(sequence.connectId());
        return at + StreamingRun.FLUSH_FILLER_AFTER + 1000;
    }

    private static List<String> payloads(StreamingRun run) {
        return KAFKA.readAll(run.deadLetterTopic()).stream()
                .map(ConsumerRecord::value)
                .map(value -> new String(value, StandardCharsets.UTF_8))
                .toList();
    }

    /** The sum over this job's "Dead letters" sink writers (not the late-events sink). */
    private static long gauge(JobID job, String name) {
        return deadLetterSinkMetrics(job, name).stream()
                .mapToLong(m -> ((Number) ((Gauge<?>) m).getValue()).longValue())
                .sum();
    }

    private static long counter(JobID job, String name) {
        return deadLetterSinkMetrics(job, name).stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    private static List<Metric> deadLetterSinkMetrics(JobID job, String name) {
        return METRICS.findMetrics(job, name).entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + name) && e.getKey().contains("Dead letters"))
                .map(Map.Entry::getValue)
                .toList();
    }

    private static long completedCheckpoints(JobID job) {
        return METRICS.findMetrics(job, "numberOfCompletedCheckpoints").values().stream()
                .filter(Gauge.class::isInstance)
                .mapToLong(g -> ((Number) ((Gauge<?>) g).getValue()).longValue())
                .max()
                .orElse(0);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        StreamingRun.await(what, condition);
    }
}
