package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.MiniClusters;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Elasticsearch cannot be reached (nothing listens on the port) while alerts keep coming: the sink
 * must stop taking alerts once it holds {@code es.batch.max-buffered-bytes} plus one request, long
 * before Flink's count bound ({@code es.batch.max-buffered-requests}) would stop it.
 */
class ElasticsearchBufferBoundITCase {

    private static final int ALERTS = 200;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(1, METRICS.addToConfiguration(new Configuration()));

    private record NumberedAlerts(String run) implements GeneratorFunction<Long, AlertDocument> {
        @Override
        public AlertDocument map(Long i) {
            return TestAlerts.alert(run + "-" + i, "h" + (i % 3), "8.8." + (i % 200) + ".1");
        }
    }

    /** What the writer holds and took while nothing can be delivered. */
    private record Held(long maxBufferedBytes, long alertsTaken) {}

    private static Held sendIntoTheVoid(long maxBufferedBytes) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config =
                ElasticsearchSinkConfig.builder()
                        .host("http://127.0.0.1:" + closedPort)
                        .namespace(namespace)
                        .template(new ElasticsearchSinkConfig.TemplateSettings(false, 0, 200))
                        // No flush by time: Flink's timer drains the buffer "until empty", and
                        // during an outage that loop holds the task (and stops the input) by
                        // itself. Without it, only full batches are sent and the buffer grows
                        // with the input, which is what the byte bound must stop.
                        .batching(
                                new ElasticsearchSinkConfig.Batching(
                                        5,
                                        8_000,
                                        1,
                                        1_000,
                                        Duration.ofMinutes(10),
                                        8_000,
                                        maxBufferedBytes))
                        .timeouts(
                                new ElasticsearchSinkConfig.Timeouts(
                                        Duration.ofMillis(500),
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(10)))
                        .retryBackoff(
                                new ElasticsearchSinkConfig.Backoff(
                                        Duration.ofMillis(50), Duration.ofMillis(200)))
                        .build();

        Configuration conf = PipelineSettings.apply(new Configuration());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(
                        new DataGeneratorSource<>(
                                new NumberedAlerts(namespace),
                                ALERTS,
                                TypeInformation.of(AlertDocument.class)),
                        WatermarkStrategy.noWatermarks(),
                        "alerts")
                .uid("alerts")
                .sinkTo(
                        ElasticsearchAlertSink.create(
                                config, RecordingDeadLetters.fresh(namespace)))
                .uid("es-alert-sink")
                .name("Elasticsearch alerts");
        JobClient job = env.executeAsync("es-buffer-bound-it");
        try {
            long maxBuffered = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < deadline) {
                maxBuffered = Math.max(maxBuffered, bufferedBytes(job.getJobID()));
                Thread.sleep(20);
            }
            return new Held(maxBuffered, writerRecordsIn(job.getJobID()));
        } finally {
            job.cancel().get();
        }
    }

    private static long bufferedBytes(JobID job) {
        for (Map.Entry<String, Metric> m :
                METRICS.findMetrics(job, MetricNames.ALERTS_BUFFERED_BYTES).entrySet()) {
            if (m.getValue() instanceof Gauge<?> g && g.getValue() instanceof Long bytes) {
                return bytes;
            }
        }
        return 0;
    }

    /** Alerts the sink writer took in (Flink's numRecordsIn of the writer operator). */
    private static long writerRecordsIn(JobID job) {
        for (Map.Entry<String, Metric> m : METRICS.findMetrics(job, "numRecordsIn").entrySet()) {
            // The operator's counter, not the chain's (task) counter "Source: ... -> ... Writer".
            if (m.getKey().endsWith(".Elasticsearch alerts: Writer.0.numRecordsIn")
                    && !m.getKey().contains("Source:")
                    && m.getValue() instanceof Counter c) {
                return c.getCount();
            }
        }
        throw new IllegalStateException("no numRecordsIn of the sink writer");
    }

    @Test
    void theWriterHoldsNoMoreThanTheByteBoundPlusOneRequest() throws Exception {
        long alertBytes =
                new BulkCreate(
                                "logs-sshdnetcon.alerts-it000000000000",
                                new NumberedAlerts("it000000000000").map(199L).id(),
                                new NumberedAlerts("it000000000000").map(199L).json())
                        .sizeInBytes();
        assertThat(alertBytes)
                .as("a few kilobytes, so that the bound holds several alerts")
                .isBetween(2_000L, 6_000L);
        long bound = 20_000;
        // One request under way holds at most es.batch.max-bytes (8,000 here).
        long mostHeld = bound + 8_000;

        Held bounded = sendIntoTheVoid(bound);

        // Nothing can be delivered, so what the writer took in is what it holds (the record
        // blocked in write() is counted in too).
        assertThat((bounded.alertsTaken() - 1) * alertBytes).isLessThanOrEqualTo(mostHeld);
        assertThat(bounded.alertsTaken()).isGreaterThan(bound / alertBytes);
        assertThat(bounded.maxBufferedBytes()).isPositive().isLessThanOrEqualTo(mostHeld);

        // The control: with only Flink's count bound (1,000 alerts), the writer takes them all.
        Held countOnly = sendIntoTheVoid(64L << 20);
        assertThat(countOnly.alertsTaken()).isEqualTo(ALERTS);
        assertThat(countOnly.maxBufferedBytes()).isGreaterThan(ALERTS / 2 * alertBytes);
    }
}
