package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink on a MiniCluster against the real Elasticsearch 8.19 node ({@code
 * scripts/elasticsearch.sh}). Data streams cannot be deleted there, so each test writes its own.
 */
class ElasticsearchAlertSinkITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(2, METRICS.addToConfiguration(new Configuration()));

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    private static String url;
    private static ElasticsearchQueries es;

    @BeforeAll
    static void connect() {
        url = ELASTICSEARCH.url();
        es = ELASTICSEARCH.queries();
    }

    static String uniqueNamespace() {
        return "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static ElasticsearchSinkConfig.Builder singleNode(String url, String namespace) {
        return ElasticsearchSinkConfig.builder()
                .host(url)
                .namespace(namespace)
                .template(new ElasticsearchSinkConfig.TemplateSettings(true, 0, 200));
    }

    /** Eight alerts: five to 8.8.0.0/16, three elsewhere, on two hosts. */
    private static List<AlertDocument> alerts(String run) {
        List<AlertDocument> alerts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alerts.add(
                    TestAlerts.alert(run + "-g" + i, "h" + (i % 2), "8.8." + i + "." + (10 + i)));
        }
        alerts.add(TestAlerts.alert(run + "-c0", "h0", "1.1.1.1"));
        alerts.add(TestAlerts.alert(run + "-c1", "h1", "8.9.0.1"));
        alerts.add(TestAlerts.alert(run + "-c2", "h1", "2001:4860:4860::8888"));
        return alerts;
    }

    private static JobID run(
            List<AlertDocument> alerts, ElasticsearchAlertSink sink, int parallelism)
            throws Exception {
        Configuration conf = PipelineSettings.apply(new Configuration());
        // Any failure must surface, not be healed by a restart.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.fromData(alerts)
                .uid("alerts")
                .name("alerts")
                .rebalance()
                .sinkTo(sink)
                .uid("es-alert-sink")
                .name("Elasticsearch alerts");
        return env.execute("es-sink-it").getJobID();
    }

    /** The sum over subtasks of a counter of this job. */
    static long counter(InMemoryReporter metrics, JobID job, String name) {
        long sum = 0;
        for (Map.Entry<String, Metric> m : metrics.findMetrics(job, name).entrySet()) {
            if (m.getKey().endsWith("." + name) && m.getValue() instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    @Test
    void writesAlertsWithEcsMappingsAndWritesThemOnlyOnce() throws Exception {
        String namespace = uniqueNamespace();
        ElasticsearchSinkConfig config = singleNode(url, namespace).build();
        String ds = config.dataStream();
        List<AlertDocument> alerts = alerts(namespace);
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        JobID first = run(alerts, ElasticsearchAlertSink.create(config, deadLetters), 2);

        assertThat(es.count(ds)).isEqualTo(alerts.size());
        assertThat(counter(METRICS, first, MetricNames.ALERTS_INDEXED)).isEqualTo(alerts.size());
        assertThat(counter(METRICS, first, MetricNames.ALERTS_ALREADY_INDEXED)).isZero();
        assertThat(deadLetters.letters()).isEmpty();

        // The template shaped the data stream: destination.ip is an ip, so CIDR terms work.
        JsonNode mapping = es.mapping(ds);
        JsonNode properties = mapping.elements().next().at("/mappings/properties");
        assertThat(mapping.fieldNames().next()).startsWith(".ds-" + ds + "-");
        assertThat(properties.at("/destination/properties/ip/type").asText()).isEqualTo("ip");
        assertThat(properties.at("/@timestamp/type").asText()).isEqualTo("date");
        assertThat(properties.at("/Events/enabled").asBoolean(true)).isFalse();
        assertThat(es.ids(ds, "{\"term\":{\"destination.ip\":\"8.8.0.0/16\"}}"))
                .containsExactlyInAnyOrderElementsOf(
                        alerts.subList(0, 5).stream().map(AlertDocument::id).toList());
        assertThat(es.ids(ds, "{\"term\":{\"destination.ip\":\"2001:4860::/32\"}}"))
                .containsExactly(alerts.get(7).id());

        AlertDocument sample = alerts.get(2);
        List<JsonNode> hits = es.search(ds, "{\"ids\":{\"values\":[\"" + sample.id() + "\"]}}");
        assertThat(hits).hasSize(1);
        JsonNode hit = hits.get(0);
        JsonNode source = hit.get("_source");
        assertThat(hit.get("_id").asText()).isEqualTo(sample.id());
        assertThat(source.get("@timestamp").asText()).isEqualTo("2026-01-05T10:00:00.500Z");
        assertThat(source.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(source.at("/event/id").asText()).isEqualTo(sample.id());
        assertThat(source.at("/event/severity").asInt()).isEqualTo(47);
        assertThat(source.at("/event/risk_score").asInt()).isEqualTo(47);
        assertThat(source.get("message").asText())
                .isEqualTo("Network Connection Initiated by SSHD Child Process");
        assertThat(source.at("/destination/ip").asText()).isEqualTo("8.8.2.12");
        // Both raw events are kept as sent, though not indexed.
        assertThat(source.get("Events")).hasSize(2);
        assertThat(source.at("/Events/0/event/id").asText()).isEqualTo("E-" + namespace + "-g2");
        assertThat(source.at("/Events/1/event/id").asText()).isEqualTo("N-" + namespace + "-g2");
        assertThat(es.ids(ds, "{\"term\":{\"event.kind\":\"alert\"}}")).hasSize(alerts.size());
        assertThat(es.ids(ds, "{\"range\":{\"event.severity\":{\"gte\":47}}}"))
                .hasSize(alerts.size());
        assertThat(es.ids(ds, "{\"match\":{\"message\":\"sshd child\"}}")).hasSize(alerts.size());

        // The same input again: every create is a 409, counted as done; nothing is added.
        JobID second = run(alerts, ElasticsearchAlertSink.create(config, deadLetters), 2);

        assertThat(es.count(ds)).isEqualTo(alerts.size());
        assertThat(counter(METRICS, second, MetricNames.ALERTS_ALREADY_INDEXED))
                .isEqualTo(alerts.size());
        assertThat(counter(METRICS, second, MetricNames.ALERTS_INDEXED)).isZero();
        assertThat(counter(METRICS, second, MetricNames.ALERTS_REJECTED)).isZero();
        assertThat(deadLetters.letters()).isEmpty();
    }

    @Test
    void documentElasticsearchRefusesIsDeadLetteredAndTheJobFinishes() throws Exception {
        String namespace = uniqueNamespace();
        ElasticsearchSinkConfig config = singleNode(url, namespace).build();
        String ds = config.dataStream();
        List<AlertDocument> alerts = new ArrayList<>(alerts(namespace).subList(0, 3));
        AlertDocument invalid =
                TestAlerts.withDestinationIp(
                        TestAlerts.alert(namespace + "-bad", "h0", "8.8.8.8"), "not-an-ip");
        alerts.add(1, invalid);
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        JobID job = run(alerts, ElasticsearchAlertSink.create(config, deadLetters), 1);

        assertThat(es.count(ds)).isEqualTo(3);
        assertThat(es.ids(ds, "{\"match_all\":{}}")).doesNotContain(invalid.id());
        List<DeadLetter> letters = deadLetters.letters();
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.ELASTICSEARCH_REJECTED);
        assertThat(letter.detail())
                .startsWith("alert " + invalid.id() + ": 400 document_parsing_exception: ")
                .contains("destination.ip")
                .contains("not-an-ip");
        assertThat(letter.payload()).isEqualTo(invalid.json());
        assertThat(letter.source()).isEqualTo(ds);
        assertThat(letter.partition()).isEqualTo(-1);
        assertThat(letter.offset()).isEqualTo(-1);
        // Flushed before the job (and any checkpoint after it) completed.
        List<Object> events = deadLetters.events();
        assertThat(events.subList(events.indexOf(letter), events.size()))
                .contains(RecordingDeadLetters.FLUSH);

        assertThat(counter(METRICS, job, MetricNames.ALERTS_REJECTED)).isEqualTo(1);
        assertThat(counter(METRICS, job, MetricNames.ALERTS_INDEXED)).isEqualTo(3);
        assertThat(counter(METRICS, job, "numRecordsOutErrors")).isEqualTo(1);
    }

    @Test
    void oversizedAlertIsDeadLetteredInsteadOfFailingTheJob() throws Exception {
        String namespace = uniqueNamespace();
        ElasticsearchSinkConfig config =
                singleNode(url, namespace)
                        .batching(
                                new ElasticsearchSinkConfig.Batching(
                                        10,
                                        64 << 10,
                                        1,
                                        100,
                                        java.time.Duration.ofMillis(100),
                                        4096))
                        .build();
        List<AlertDocument> alerts = alerts(namespace).subList(0, 2);
        AlertDocument big =
                new AlertDocument(namespace + "-big", alerts.get(0).timestamp(), new byte[5000]);
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        run(
                List.of(alerts.get(0), big, alerts.get(1)),
                ElasticsearchAlertSink.create(config, deadLetters),
                1);

        assertThat(es.count(config.dataStream())).isEqualTo(2);
        assertThat(deadLetters.letters())
                .singleElement()
                .satisfies(
                        l -> {
                            assertThat(l.reason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
                            assertThat(l.detail()).contains(namespace + "-big").contains("4096");
                        });
    }

    @Test
    void templateElasticsearchRefusesFailsTheJobWithItsReason() throws Exception {
        String namespace = uniqueNamespace();
        ElasticsearchSinkConfig config = singleNode(url, namespace).build();
        // Another template at the same priority whose pattern overlaps ours: Elasticsearch refuses
        // ours with a 400, which no retry can fix.
        String rival = "rival-" + namespace;
        es.putIndexTemplate(
                rival,
                "{\"index_patterns\":[\""
                        + config.dataStream()
                        + "*\"],\"data_stream\":{},"
                        + "\"priority\":200}");
        try {
            assertThatThrownBy(
                            () ->
                                    run(
                                            alerts(namespace),
                                            ElasticsearchAlertSink.create(
                                                    config, RecordingDeadLetters.fresh(namespace)),
                                            1))
                    // Classes do not survive the trip to the client (SerializedThrowable); text
                    // does.
                    .satisfies(
                            failure ->
                                    assertThat(
                                                    ExceptionUtils.findThrowableWithMessage(
                                                            failure, "no retry can fix"))
                                            .get(InstanceOfAssertFactories.THROWABLE)
                                            .hasMessageContaining("no retry can fix")
                                            .hasMessageContaining(
                                                    "could not install the index template "
                                                            + config.dataStream())
                                            .hasMessageContaining("400 Bad Request")
                                            .rootCause()
                                            .hasMessageContaining("same priority"));
        } finally {
            es.deleteIndexTemplate(rival);
        }
    }

    @Test
    void aHigherPriorityTemplateThatWouldShadowOursFailsTheJob() throws Exception {
        String namespace = uniqueNamespace();
        ElasticsearchSinkConfig config = singleNode(url, namespace).build();
        // Installing ours succeeds, but this one would win and give alerts dynamic mappings.
        String rival = "rival-" + namespace;
        es.putIndexTemplate(
                rival,
                "{\"index_patterns\":[\""
                        + config.dataStream()
                        + "*\"],\"data_stream\":{},"
                        + "\"priority\":900}");
        try {
            assertThatThrownBy(
                            () ->
                                    run(
                                            alerts(namespace),
                                            ElasticsearchAlertSink.create(
                                                    config, RecordingDeadLetters.fresh(namespace)),
                                            1))
                    .satisfies(
                            failure ->
                                    assertThat(
                                                    ExceptionUtils.findThrowableWithMessage(
                                                            failure, "does not apply to"))
                                            .get(InstanceOfAssertFactories.THROWABLE)
                                            .hasMessageContaining(config.dataStream())
                                            .hasMessageContaining(rival + " (priority 900)")
                                            .hasMessageContaining("es.template.priority"));
            assertThat(es.countOrMinusOne(config.dataStream())).isEqualTo(-1);
        } finally {
            es.deleteIndexTemplate(rival);
        }
    }
}
