package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalStack;
import io.sshdnetcon.testing.MiniClusters;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Elasticsearch goes away while alerts are flowing and checkpoints are taken every second, then
 * comes back. The job must neither fail nor lose nor duplicate an alert.
 */
class ElasticsearchOutageITCase {

    private static final int ALERTS = 250;
    private static final double ALERTS_PER_SECOND = 10;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(1, METRICS.addToConfiguration(new Configuration()));

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    /** Alert i of a run; built in the task, from the same events as the other tests. */
    private record NumberedAlerts(String run) implements GeneratorFunction<Long, AlertDocument> {
        @Override
        public AlertDocument map(Long i) {
            return TestAlerts.alert(run + "-" + i, "h" + (i % 3), "8.8." + (i % 200) + ".1");
        }
    }

    @Test
    void alertsSentThroughAnOutageAreAllStoredExactlyOnce() throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config =
                ElasticsearchAlertSinkITCase.singleNode(ELASTICSEARCH.url(), namespace)
                        .batching(
                                new ElasticsearchSinkConfig.Batching(
                                        500,
                                        10L << 20,
                                        2,
                                        10_000,
                                        Duration.ofMillis(100),
                                        10L << 20))
                        .timeouts(
                                new ElasticsearchSinkConfig.Timeouts(
                                        Duration.ofSeconds(1),
                                        Duration.ofSeconds(5),
                                        Duration.ofSeconds(15)))
                        .retryBackoff(
                                new ElasticsearchSinkConfig.Backoff(
                                        Duration.ofMillis(100), Duration.ofSeconds(1)))
                        .build();
        String ds = config.dataStream();
        ElasticsearchQueries es = ELASTICSEARCH.queries();
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        Configuration conf = PipelineSettings.apply(new Configuration());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(1_000);
        env.fromSource(
                        new DataGeneratorSource<>(
                                new NumberedAlerts(namespace),
                                ALERTS,
                                RateLimiterStrategy.perSecond(ALERTS_PER_SECOND),
                                TypeInformation.of(AlertDocument.class)),
                        WatermarkStrategy.noWatermarks(),
                        "alerts")
                .uid("alerts")
                .sinkTo(ElasticsearchAlertSink.create(config, deadLetters))
                .uid("es-alert-sink")
                .name("Elasticsearch alerts");
        JobClient job = env.executeAsync("es-outage-it");

        waitUntil(() -> es.countOrMinusOne(ds) >= 20, Duration.ofSeconds(60), "first alerts");
        long checkpointsBefore;
        long checkpointsDuring;
        JobStatus statusDuring;
        LocalStack.stop("elasticsearch.sh");
        try {
            checkpointsBefore = completedCheckpoints(job.getJobID());
            Thread.sleep(5_000);
            statusDuring = job.getJobStatus().get();
            checkpointsDuring = completedCheckpoints(job.getJobID());
        } finally {
            LocalStack.start("elasticsearch.sh");
        }
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        // Alerts kept coming while Elasticsearch was away, and checkpoints still completed,
        // holding the alerts not yet stored.
        assertThat(statusDuring).isEqualTo(JobStatus.RUNNING);
        assertThat(checkpointsDuring).isGreaterThan(checkpointsBefore);

        List<String> stored = es.ids(ds, "{\"match_all\":{}}");
        Set<String> expected = new HashSet<>();
        LongStream.range(0, ALERTS)
                .forEach(i -> expected.add(new NumberedAlerts(namespace).map(i).id()));
        assertThat(stored).hasSize(ALERTS).doesNotHaveDuplicates();
        assertThat(new HashSet<>(stored)).isEqualTo(expected);
        assertThat(es.count(ds)).isEqualTo(ALERTS);
        assertThat(deadLetters.letters()).isEmpty();
        // The outage really hit the sink, and every alert was answered once as stored.
        long retried =
                ElasticsearchAlertSinkITCase.counter(
                        METRICS, job.getJobID(), MetricNames.ALERTS_RETRIED);
        long indexed =
                ElasticsearchAlertSinkITCase.counter(
                        METRICS, job.getJobID(), MetricNames.ALERTS_INDEXED);
        long already =
                ElasticsearchAlertSinkITCase.counter(
                        METRICS, job.getJobID(), MetricNames.ALERTS_ALREADY_INDEXED);
        assertThat(retried).isPositive();
        assertThat(indexed).isEqualTo(ALERTS - already);
    }

    private static long completedCheckpoints(JobID job) {
        return METRICS.findMetrics(job, "numberOfCompletedCheckpoints").values().stream()
                .filter(Gauge.class::isInstance)
                .mapToLong(g -> ((Number) ((Gauge<?>) g).getValue()).longValue())
                .max()
                .orElse(0);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitUntil(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
