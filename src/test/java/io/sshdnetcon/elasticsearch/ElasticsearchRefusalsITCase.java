package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalTlsProxy;
import io.sshdnetcon.testing.MiniClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Answers that are not about one alert, from the real servers: Elasticsearch refusing the data
 * stream itself (a write block, a closed backing index), and nginx refusing a request body as too
 * large (413).
 */
class ElasticsearchRefusalsITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(1, METRICS.addToConfiguration(new Configuration()));

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();
    @RegisterExtension static final LocalTlsProxy PROXY = new LocalTlsProxy();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<AlertDocument> alerts(String run, int from, int to) {
        List<AlertDocument> alerts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            alerts.add(TestAlerts.alert(run + "-" + i, "h" + (i % 3), "8.8.4." + i));
        }
        return alerts;
    }

    private static StreamExecutionEnvironment environment(boolean restarts) {
        Configuration conf = PipelineSettings.apply(new Configuration());
        if (restarts) {
            // As on a cluster: the job restarts (here without checkpoints, from the source).
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(200));
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    private static JobClient start(
            List<AlertDocument> alerts, ElasticsearchAlertSink sink, boolean restarts)
            throws Exception {
        StreamExecutionEnvironment env = environment(restarts);
        env.fromData(alerts)
                .uid("alerts")
                .name("alerts")
                .sinkTo(sink)
                .uid("es-alert-sink")
                .name("Elasticsearch alerts");
        return env.executeAsync("es-refusals-it");
    }

    private static void run(List<AlertDocument> alerts, ElasticsearchAlertSink sink)
            throws Exception {
        start(alerts, sink, false).getJobExecutionResult().get(2, TimeUnit.MINUTES);
    }

    private static long restarts(JobID job) {
        for (Map.Entry<String, Metric> m : METRICS.findMetrics(job, "numRestarts").entrySet()) {
            if (m.getValue() instanceof Gauge<?> g && g.getValue() instanceof Number n) {
                return n.longValue();
            }
        }
        return 0;
    }

    @Test
    void aWriteBlockFailsTheJobNamingItAndNoAlertIsLostOrDeadLettered() throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config =
                ElasticsearchAlertSinkITCase.singleNode(ELASTICSEARCH.url(), namespace).build();
        String ds = config.dataStream();
        ElasticsearchQueries es = ELASTICSEARCH.queries();
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);
        run(alerts(namespace, 0, 1), ElasticsearchAlertSink.create(config, deadLetters));
        String backing = es.backingIndices(ds).get(0);
        List<AlertDocument> more = alerts(namespace, 1, 4);

        es.putSettings(backing, "{\"index.blocks.write\":true}");
        try {
            assertThatThrownBy(() -> run(more, ElasticsearchAlertSink.create(config, deadLetters)))
                    .satisfies(
                            failure ->
                                    assertThat(
                                                    ExceptionUtils.findThrowableWithMessage(
                                                            failure,
                                                            "refuses writes to the data stream"))
                                            .hasValueSatisfying(
                                                    t ->
                                                            assertThat(t.getMessage())
                                                                    .contains(
                                                                            "Elasticsearch refuses"
                                                                                + " writes to the"
                                                                                + " data stream "
                                                                                    + ds
                                                                                    + ": 403"
                                                                                    + " cluster_block_exception:"
                                                                                    + " index ["
                                                                                    + backing
                                                                                    + "] blocked"
                                                                                    + " by: [FORBIDDEN/8/index"
                                                                                    + " write"
                                                                                    + " (api)];")
                                                                    .contains(
                                                                            "(3 of 3 alerts of the"
                                                                                    + " request")
                                                                    .contains(
                                                                            "none is"
                                                                                + " dead-lettered")));
            assertThat(deadLetters.letters()).isEmpty();
            assertThat(es.count(ds)).isEqualTo(1);

            // As in production, with restarts: the job fails again and again while the block
            // lasts, and delivers everything once it is lifted.
            JobClient job = start(more, ElasticsearchAlertSink.create(config, deadLetters), true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (restarts(job.getJobID()) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(restarts(job.getJobID())).isGreaterThanOrEqualTo(2);
            assertThat(es.count(ds)).isEqualTo(1);
            es.putSettings(backing, "{\"index.blocks.write\":false}");
            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        } finally {
            es.putSettings(backing, "{\"index.blocks.write\":false}");
        }
        assertThat(es.count(ds)).isEqualTo(4);
        assertThat(deadLetters.letters()).isEmpty();
    }

    @Test
    void aClosedBackingIndexFailsTheJobInsteadOfDeadLetteringEveryAlert() throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config =
                ElasticsearchAlertSinkITCase.singleNode(ELASTICSEARCH.url(), namespace).build();
        ElasticsearchQueries es = ELASTICSEARCH.queries();
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);
        run(alerts(namespace, 0, 1), ElasticsearchAlertSink.create(config, deadLetters));
        String backing = es.backingIndices(config.dataStream()).get(0);

        es.closeIndex(backing);
        try {
            assertThatThrownBy(
                            () ->
                                    run(
                                            alerts(namespace, 1, 3),
                                            ElasticsearchAlertSink.create(config, deadLetters)))
                    .satisfies(
                            failure ->
                                    assertThat(
                                                    ExceptionUtils.findThrowableWithMessage(
                                                            failure,
                                                            "refuses writes to the data stream"))
                                            .hasValueSatisfying(
                                                    t ->
                                                            assertThat(t.getMessage())
                                                                    .contains(
                                                                            ": 400"
                                                                                + " index_closed_exception:"
                                                                                + " closed (2"
                                                                                + " of 2")));
        } finally {
            es.openIndex(backing);
        }
        assertThat(deadLetters.letters()).isEmpty();
    }

    /** A valid alert whose JSON carries {@code padding} extra bytes in a field the sink ignores. */
    private static AlertDocument padded(AlertDocument alert, int padding) throws Exception {
        ObjectNode doc = (ObjectNode) MAPPER.readTree(alert.json());
        doc.put("padding", "x".repeat(padding));
        return new AlertDocument(alert.id(), alert.timestamp(), MAPPER.writeValueAsBytes(doc));
    }

    @Test
    void aProxysBodyLimitSplitsRequestsAndDeadLettersOnlyTheAlertThatCanNeverPass()
            throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        String smallBody = PROXY.get("ES_TLS_SMALL_BODY_URL");
        ElasticsearchSinkConfig config =
                ElasticsearchSinkConfig.builder()
                        .host(smallBody)
                        .namespace(namespace)
                        .trust(TrustSettings.caFingerprint(PROXY.get("ES_TLS_CA_FINGERPRINT")))
                        .credentials(
                                Credentials.basic(
                                        PROXY.user(), SecretRef.file(PROXY.passwordFile())))
                        .template(new ElasticsearchSinkConfig.TemplateSettings(true, 0, 200))
                        // One request for everything, unless the proxy says otherwise.
                        .batching(
                                new ElasticsearchSinkConfig.Batching(
                                        100, 1L << 20, 1, 1000, Duration.ofMillis(500), 1L << 20))
                        .build();
        List<AlertDocument> alerts = alerts(namespace, 0, 12);
        AlertDocument tooLarge =
                padded(TestAlerts.alert(namespace + "-big", "h0", "1.1.1.1"), 20_000);
        alerts.add(5, tooLarge);
        long total = alerts.stream().mapToLong(a -> a.json().length).sum();
        assertThat(total).as("the request must exceed the proxy's 16k").isGreaterThan(3 * 16384);
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        JobClient job = start(alerts, ElasticsearchAlertSink.create(config, deadLetters), false);
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        assertThat(ELASTICSEARCH.queries().count(config.dataStream())).isEqualTo(12);
        List<DeadLetter> letters = deadLetters.letters();
        assertThat(letters)
                .singleElement()
                .satisfies(
                        letter -> {
                            assertThat(letter.reason())
                                    .isEqualTo(DeadLetterReason.ELASTICSEARCH_REJECTED);
                            assertThat(letter.payload()).isEqualTo(tooLarge.json());
                            assertThat(letter.detail())
                                    .startsWith(
                                            "alert " + tooLarge.id() + ": 413, the alert alone (")
                                    .contains("is larger than the server accepts");
                        });
        // Several requests were refused whole, then the halves went through.
        List<String> bulks =
                PROXY.requestsOn(smallBody).stream()
                        .filter(l -> l.contains("\"POST /_bulk?"))
                        .toList();
        assertThat(bulks).anyMatch(l -> l.contains("\" 413 ")).anyMatch(l -> l.contains("\" 200 "));
        assertThat(
                        ElasticsearchAlertSinkITCase.counter(
                                METRICS, job.getJobID(), MetricNames.ALERTS_INDEXED))
                .isEqualTo(12);
        assertThat(
                        ElasticsearchAlertSinkITCase.counter(
                                METRICS, job.getJobID(), MetricNames.ALERTS_REJECTED))
                .isEqualTo(1);
        assertThat(
                        ElasticsearchAlertSinkITCase.counter(
                                METRICS, job.getJobID(), MetricNames.ALERTS_RETRIED))
                .isGreaterThan(0);
    }
}
