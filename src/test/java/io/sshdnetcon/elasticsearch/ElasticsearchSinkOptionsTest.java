package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkOptionsTest {

    private static Configuration conf(Map<String, String> values) {
        return Configuration.fromMap(values);
    }

    @Test
    void readsEveryOption() {
        ElasticsearchSinkConfig config =
                ElasticsearchSinkOptions.read(
                        conf(
                                Map.ofEntries(
                                        Map.entry("es.hosts", "https://es1:9200, https://es2:9200"),
                                        Map.entry("es.dataset", "sshdnetcon.alerts"),
                                        Map.entry("es.namespace", "prod"),
                                        Map.entry("es.username", "writer"),
                                        Map.entry("es.password-env", "ES_PASSWORD"),
                                        Map.entry(
                                                "es.ca-fingerprint",
                                                "52de892c7f3a8b90cd592de86b52bd5a9417b7a4b0646613bffb8fc901f8dcfb"),
                                        Map.entry("es.batch.max-size", "100"),
                                        Map.entry("es.batch.max-bytes", "4mb"),
                                        Map.entry("es.batch.max-in-flight-requests", "4"),
                                        Map.entry("es.batch.max-buffered-requests", "2000"),
                                        Map.entry("es.batch.max-time-in-buffer", "500ms"),
                                        Map.entry("es.max-record-bytes", "4mb"),
                                        Map.entry("es.batch.max-buffered-bytes", "16mb"),
                                        Map.entry("es.startup-check", "lenient"),
                                        Map.entry("es.connect-timeout", "2s"),
                                        Map.entry("es.socket-timeout", "20s"),
                                        Map.entry("es.request-timeout", "40s"),
                                        Map.entry("es.retry.initial-backoff", "200ms"),
                                        Map.entry("es.retry.max-backoff", "10s"),
                                        Map.entry("es.template.install", "false"),
                                        Map.entry("es.template.replicas", "0"),
                                        Map.entry("es.template.priority", "300"))));

        assertThat(config.hosts()).hasSize(2);
        assertThat(config.dataStream()).isEqualTo("logs-sshdnetcon.alerts-prod");
        assertThat(config.credentials())
                .isEqualTo(
                        Credentials.basic("writer", SecretRef.environmentVariable("ES_PASSWORD")));
        assertThat(config.trust().caFingerprint()).startsWith("52de89");
        assertThat(config.batching())
                .isEqualTo(
                        new ElasticsearchSinkConfig.Batching(
                                100,
                                4L << 20,
                                4,
                                2000,
                                Duration.ofMillis(500),
                                4L << 20,
                                16L << 20));
        assertThat(config.startupCheck()).isEqualTo(ElasticsearchSinkConfig.StartupCheck.LENIENT);
        assertThat(config.allowCredentialsOverHttp()).isFalse();
        assertThat(config.timeouts())
                .isEqualTo(
                        new ElasticsearchSinkConfig.Timeouts(
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(20),
                                Duration.ofSeconds(40)));
        assertThat(config.retryBackoff())
                .isEqualTo(
                        new ElasticsearchSinkConfig.Backoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10)));
        assertThat(config.template())
                .isEqualTo(new ElasticsearchSinkConfig.TemplateSettings(false, 0, 300));
    }

    @Test
    void defaultsNeedOnlyHosts() {
        ElasticsearchSinkConfig config =
                ElasticsearchSinkOptions.read(conf(Map.of("es.hosts", "http://127.0.0.1:9200")));
        assertThat(config)
                .isEqualTo(ElasticsearchSinkConfig.builder().host("http://127.0.0.1:9200").build());
    }

    @Test
    void credentialsOverHttpNeedAnExplicitYes() {
        Map<String, String> overHttp =
                Map.of(
                        "es.hosts",
                        "http://127.0.0.1:9200",
                        "es.username",
                        "writer",
                        "es.password-env",
                        "P");
        assertThatThrownBy(() -> ElasticsearchSinkOptions.read(conf(overHttp)))
                .hasMessageStartingWith("invalid Elasticsearch sink options (es.*)")
                .hasMessageContaining("es.allow-credentials-over-http");
        Map<String, String> allowed = new java.util.HashMap<>(overHttp);
        allowed.put("es.allow-credentials-over-http", "true");
        assertThat(ElasticsearchSinkOptions.read(conf(allowed)).allowCredentialsOverHttp())
                .isTrue();
    }

    @Test
    void startupCheckDefaultsToStrictAndRefusesUnknownModes() {
        assertThat(
                        ElasticsearchSinkOptions.read(conf(Map.of("es.hosts", "http://h:9200")))
                                .startupCheck())
                .isEqualTo(ElasticsearchSinkConfig.StartupCheck.STRICT);
        assertThat(
                        ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.startup-check",
                                                        "OFF")))
                                .startupCheck())
                .isEqualTo(ElasticsearchSinkConfig.StartupCheck.OFF);
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.startup-check",
                                                        "sometimes"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bufferedBytesBelowTheLargestAlertAreRefused() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.batch.max-buffered-bytes",
                                                        "1mb"))))
                .hasMessageContaining("maxBufferedBytes");
    }

    @Test
    void hostsAreRequired() {
        assertThatThrownBy(() -> ElasticsearchSinkOptions.read(new Configuration()))
                .hasMessage("es.hosts is required");
    }

    @Test
    void literalSecretsAreRefused() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.password",
                                                        "hunter2",
                                                        "es.username",
                                                        "u"))))
                .hasMessageContaining("es.password is not accepted")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.api-key",
                                                        "abc"))))
                .hasMessageContaining("es.api-key is not accepted");
    }

    @Test
    void conflictingCredentialsAreRefused() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.api-key-env",
                                                        "K",
                                                        "es.username",
                                                        "u",
                                                        "es.password-env",
                                                        "P"))))
                .hasMessageContaining("not both");
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.username",
                                                        "u"))))
                .hasMessageContaining("es.username needs");
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.api-key-env",
                                                        "K",
                                                        "es.api-key-file",
                                                        "/k"))))
                .hasMessageContaining("es.api-key-env or es.api-key-file, not both");
    }

    @Test
    void invalidValuesNameTheOptionFamily() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkOptions.read(
                                        conf(
                                                Map.of(
                                                        "es.hosts",
                                                        "http://h:9200",
                                                        "es.namespace",
                                                        "prod-eu"))))
                .hasMessageStartingWith("invalid Elasticsearch sink options (es.*)")
                .hasMessageContaining("namespace");
    }
}
