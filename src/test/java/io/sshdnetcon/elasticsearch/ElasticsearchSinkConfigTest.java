package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElasticsearchSinkConfigTest {

    private static final String SECRET = "c2VjcmV0LWFwaS1rZXktdmFsdWU=";

    @TempDir Path dir;

    private static ElasticsearchSinkConfig.Builder local() {
        return ElasticsearchSinkConfig.builder().host("http://127.0.0.1:9200");
    }

    @Test
    void defaultsSuitAlerts() {
        ElasticsearchSinkConfig config = local().build();
        assertThat(config.dataStream()).isEqualTo("logs-sshdnetcon.alerts-default");
        assertThat(config.hosts()).containsExactly(URI.create("http://127.0.0.1:9200"));
        assertThat(config.credentials()).isEqualTo(Credentials.NONE);
        assertThat(config.trust().isJvmDefault()).isTrue();
        assertThat(config.batching().maxBatchSize()).isEqualTo(500);
        assertThat(config.batching().maxInFlightRequests()).isEqualTo(2);
        assertThat(config.batching().maxTimeInBuffer()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.timeouts().request()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.retryBackoff().initial()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.template().replicas()).isEqualTo(1);
        assertThat(config.template().priority()).isEqualTo(200);
        assertThat(config.template().install()).isTrue();
    }

    @Test
    void dataStreamIsLogsDatasetNamespace() {
        assertThat(local().dataset("sshdnetcon.alerts").namespace("prod_eu1").build().dataStream())
                .isEqualTo("logs-sshdnetcon.alerts-prod_eu1");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sshd-alerts",
                "Alerts",
                "has space",
                "",
                "_leading",
                ".leading",
                "a/b",
                "a*b",
                "a,b",
                "a#b",
                "a:b"
            })
    void invalidDatasetsAreRefused(String dataset) {
        assertThatThrownBy(() -> local().dataset(dataset).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataset");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod-eu", "Default", "x y", ""})
    void invalidNamespacesAreRefused(String namespace) {
        assertThatThrownBy(() -> local().namespace(namespace).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
    }

    @Test
    void hyphenMessageExplainsWhy() {
        assertThatThrownBy(() -> local().namespace("prod-eu").build())
                .hasMessageContaining("must not contain '-'");
    }

    @Test
    void longNamesAreRefused() {
        assertThat(local().dataset("a".repeat(100)).build().dataset()).hasSize(100);
        assertThatThrownBy(() -> local().dataset("a".repeat(101)).build())
                .hasMessageContaining("at most 100");
    }

    @Test
    void hostsMustBeHttpUrlsOfOneSchemeAndPrefix() {
        assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().build())
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().host("ftp://es:21").build())
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().host("es1:9200").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkConfig.builder()
                                        .host("http://es1:9200")
                                        .host("https://es2:9200")
                                        .build())
                .hasMessageContaining("same scheme");
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkConfig.builder()
                                        .host("https://lb/es")
                                        .host("https://lb/other")
                                        .build())
                .hasMessageContaining("same path prefix");
        assertThat(
                        ElasticsearchSinkConfig.builder()
                                .host("https://es1:9200/")
                                .host("https://es2:9200")
                                .build()
                                .hosts())
                .hasSize(2);
    }

    @Test
    void credentialsInAUrlAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchSinkConfig.builder()
                                        .host("https://elastic:hunter2@es1:9200")
                                        .build())
                .hasMessageContaining("must not contain credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void credentialsOverPlainHttpAreRefusedUnlessAllowed() {
        Credentials basic =
                Credentials.basic("writer", SecretRef.environmentVariable("ES_PASSWORD"));
        assertThatThrownBy(() -> local().credentials(basic).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clear text")
                .hasMessageContaining("es.allow-credentials-over-http");
        assertThatThrownBy(
                        () ->
                                local().credentials(
                                                Credentials.apiKey(
                                                        SecretRef.environmentVariable("ES_KEY")))
                                        .build())
                .hasMessageContaining("clear text");
        assertThat(local().credentials(basic).allowCredentialsOverHttp(true).build().credentials())
                .isEqualTo(basic);
        assertThat(
                        ElasticsearchSinkConfig.builder()
                                .host("https://es1:9200")
                                .credentials(basic)
                                .build()
                                .allowCredentialsOverHttp())
                .isFalse();
        assertThat(local().build().credentials()).isEqualTo(Credentials.NONE);
    }

    @Test
    void trustSettingsNeedHttps() {
        assertThatThrownBy(() -> local().trust(TrustSettings.caCertificate("/etc/ca.pem")).build())
                .hasMessageContaining("needs https");
    }

    @Test
    void fingerprintIsNormalizedAndChecked() {
        TrustSettings trust =
                TrustSettings.caFingerprint(
                        "52:DE:89:2C:7F:3A:8B:90:CD:59:2D:E8:6B:52:BD:5A:94:17:B7:A4:B0:64:66:13:BF:FB:8F:C9:01:F8:DC:FB");
        assertThat(trust.caFingerprint())
                .isEqualTo("52de892c7f3a8b90cd592de86b52bd5a9417b7a4b0646613bffb8fc901f8dcfb");
        assertThatThrownBy(() -> TrustSettings.caFingerprint("abc"))
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new TrustSettings("/ca.pem", trust.caFingerprint()))
                .hasMessageContaining("not both");
    }

    @Test
    void requestTimeoutLeavesRoomForASlowAnswerAndABackoff() {
        assertThatThrownBy(
                        () ->
                                local().timeouts(
                                                new ElasticsearchSinkConfig.Timeouts(
                                                        Duration.ofSeconds(5),
                                                        Duration.ofSeconds(30),
                                                        Duration.ofSeconds(35)))
                                        .build())
                .hasMessageContaining("request timeout");
    }

    @Test
    void batchingRules() {
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Batching(
                                        500, 10 << 20, 2, 500, Duration.ofMillis(200), 1 << 20))
                .hasMessageContaining("maxBufferedRequests");
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Batching(
                                        500, 1 << 20, 2, 10_000, Duration.ofMillis(200), 2 << 20))
                .hasMessageContaining("maxBatchBytes");
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Batching(
                                        500, 1 << 20, 0, 10_000, Duration.ofMillis(200), 1 << 20))
                .hasMessageContaining("maxInFlightRequests");
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Batching(
                                        500, 1 << 20, 2, 10_000, Duration.ofNanos(10), 1 << 20))
                .hasMessageContaining("maxTimeInBuffer");
    }

    @Test
    void theBufferIsBoundedInBytesAndTheLargestAlertFitsIn() {
        assertThat(ElasticsearchSinkConfig.Batching.DEFAULTS.maxBufferedBytes())
                .isEqualTo(32L << 20);
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Batching(
                                        500,
                                        4 << 20,
                                        2,
                                        10_000,
                                        Duration.ofMillis(200),
                                        4 << 20,
                                        (4 << 20) - 1))
                .hasMessageContaining("maxBufferedBytes");
        assertThat(
                        new ElasticsearchSinkConfig.Batching(
                                        500,
                                        4 << 20,
                                        2,
                                        10_000,
                                        Duration.ofMillis(200),
                                        4 << 20,
                                        4 << 20)
                                .maxBufferedBytes())
                .isEqualTo(4 << 20);
        // Without a byte bound given: the default, raised to the largest record if that is larger.
        assertThat(
                        new ElasticsearchSinkConfig.Batching(
                                        500,
                                        64L << 20,
                                        2,
                                        10_000,
                                        Duration.ofMillis(200),
                                        48L << 20)
                                .maxBufferedBytes())
                .isEqualTo(48L << 20);
    }

    @Test
    void backoffRules() {
        assertThatThrownBy(
                        () ->
                                new ElasticsearchSinkConfig.Backoff(
                                        Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("below the initial");
    }

    @Test
    void templatePriorityMustBeatTheBuiltInLogsTemplate() {
        assertThatThrownBy(() -> new ElasticsearchSinkConfig.TemplateSettings(true, 1, 100))
                .hasMessageContaining("above 100");
        assertThatThrownBy(() -> new ElasticsearchSinkConfig.TemplateSettings(true, -1, 200))
                .hasMessageContaining("replicas");
    }

    @Test
    void toStringAndSerializedFormNeverHoldTheSecret() throws IOException {
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, SECRET + "\n");
        ElasticsearchSinkConfig config =
                ElasticsearchSinkConfig.builder()
                        .host("https://es1:9200")
                        .credentials(Credentials.apiKey(SecretRef.file(keyFile.toString())))
                        .build();

        assertThat(config.toString()).contains(keyFile.toString()).doesNotContain(SECRET);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(SECRET);
        // Read only when asked, inside the task.
        assertThat(config.credentials().authorizationHeader()).contains("ApiKey " + SECRET);
    }

    @Test
    void basicCredentialsPrintTheUserButNotThePassword() throws IOException {
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "hunter2");
        Credentials basic = Credentials.basic("elastic", SecretRef.file(passwordFile.toString()));
        assertThat(basic.toString()).contains("elastic").doesNotContain("hunter2");
        assertThat(basic.authorizationHeader()).contains("Basic ZWxhc3RpYzpodW50ZXIy");
    }

    @Test
    void apiKeyGivenAsIdAndKeyIsEncoded() throws IOException {
        Path keyFile = dir.resolve("pair");
        Files.writeString(keyFile, "VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw");
        assertThat(Credentials.apiKey(SecretRef.file(keyFile.toString())).authorizationHeader())
                .contains("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
    }

    @Test
    void secretSourcesFailWithoutTheValue() throws IOException {
        assertThatThrownBy(() -> new SecretRef("A", "/b")).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new SecretRef(null, " ")).hasMessageContaining("exactly one");
        assertThatThrownBy(
                        () ->
                                SecretRef.environmentVariable("SSHDNETCON_SURELY_UNSET_VARIABLE")
                                        .resolve())
                .hasMessage("environment variable SSHDNETCON_SURELY_UNSET_VARIABLE is not set");
        assertThatThrownBy(() -> SecretRef.file(dir.resolve("missing").toString()).resolve())
                .hasMessageContaining("cannot read the secret file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> SecretRef.file(empty.toString()).resolve())
                .hasMessageContaining("is empty");
    }

    @Test
    void caCertificateFileAndFingerprintBuildSslContexts() throws Exception {
        Path pem = Path.of(getClass().getResource("/elasticsearch/test-ca.pem").toURI());
        assertThat(TrustSettings.caCertificate(pem.toString()).sslContextOrNull()).isNotNull();
        assertThat(
                        TrustSettings.caFingerprint(
                                        "52de892c7f3a8b90cd592de86b52bd5a9417b7a4b0646613bffb8fc901f8dcfb")
                                .sslContextOrNull())
                .isNotNull();
        assertThat(TrustSettings.JVM_DEFAULT.sslContextOrNull()).isNull();
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> TrustSettings.caCertificate(notPem.toString()).sslContextOrNull())
                .hasMessageContaining("cannot use " + notPem);
    }
}
