package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.transport.TransportUtils;
import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalTlsProxy;
import io.sshdnetcon.testing.MiniClusters;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink's TLS and authentication against a real TLS server: nginx with basic authentication in
 * front of the real Elasticsearch ({@code scripts/es-tls-proxy.sh}), with certificates made by
 * openssl when the proxy starts: a CA and a server certificate for 127.0.0.1 and localhost, a
 * certificate for another host name, an impostor's chain (his leaf for 127.0.0.1, signed by his own
 * CA of the same name, then the real CA certificate), and a self-signed node certificate.
 *
 * <p>Every refusal is also checked in nginx's access log: a refused server never sees a request, so
 * it never sees the {@code Authorization} header.
 */
class ElasticsearchTlsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1, new Configuration());

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();
    @RegisterExtension static final LocalTlsProxy PROXY = new LocalTlsProxy();

    private static TrustSettings caFile() {
        return TrustSettings.caCertificate(PROXY.get("ES_TLS_CA_FILE"));
    }

    private static TrustSettings caPin() {
        return TrustSettings.caFingerprint(PROXY.get("ES_TLS_CA_FINGERPRINT"));
    }

    private static ElasticsearchSinkConfig.Builder to(String url, TrustSettings trust) {
        return ElasticsearchSinkConfig.builder()
                .host(url)
                .trust(trust)
                .credentials(Credentials.basic(PROXY.user(), SecretRef.file(PROXY.passwordFile())))
                .template(new ElasticsearchSinkConfig.TemplateSettings(true, 0, 200));
    }

    /** {@code GET /_cluster/health} with the sink's own client; the HTTP status. */
    private static int health(ElasticsearchSinkConfig config) throws IOException {
        try (RestClient client = ElasticsearchConnection.restClient(config, config.hosts())) {
            return client.performRequest(new Request("GET", "/_cluster/health"))
                    .getStatusLine()
                    .getStatusCode();
        }
    }

    private static String localhost(String url) {
        return url.replace("127.0.0.1", "localhost");
    }

    @Test
    void caFileAndFingerprintAcceptTheRealServerUnderEitherOfItsNames() throws IOException {
        for (TrustSettings trust : List.of(caFile(), caPin())) {
            assertThat(health(to(PROXY.url(), trust).build())).as("%s", trust).isEqualTo(200);
            assertThat(health(to(localhost(PROXY.url()), trust).build()))
                    .as("%s", trust)
                    .isEqualTo(200);
        }
        assertThat(PROXY.requestsOn(PROXY.url()))
                .anyMatch(
                        l ->
                                l.contains(
                                        " "
                                                + PROXY.user()
                                                + " \"GET /_cluster/health HTTP/1.1\" 200 "));
    }

    @Test
    void theImpostorsChainIsRefusedThoughItEndsWithTheRealCa() throws IOException {
        String impostor = PROXY.get("ES_TLS_IMPOSTOR_URL");
        int before = PROXY.requestsOn(impostor).size();

        assertThatThrownBy(() -> health(to(impostor, caPin()).build()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseMessage("Path does not chain with any of the trust anchors");
        assertThatThrownBy(() -> health(to(impostor, caFile()).build()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseMessage("Path does not chain with any of the trust anchors");
        assertThat(PROXY.requestsOn(impostor)).hasSize(before);

        // The control, and the defect this replaced: elasticsearch-java's own fingerprint check
        // hashes only the last certificate presented, so with it the impostor gets the request,
        // Authorization header included.
        SSLContext lastCertificateOnly =
                TransportUtils.sslContextFromCaFingerprint(PROXY.get("ES_TLS_CA_FINGERPRINT"));
        ElasticsearchSinkConfig config = to(impostor, caPin()).build();
        try (RestClient client =
                RestClient.builder(HttpHost.create(impostor))
                        .setHttpClientConfigCallback(
                                http -> http.setSSLContext(lastCertificateOnly))
                        .setDefaultHeaders(
                                new Header[] {
                                    new BasicHeader(
                                            "Authorization",
                                            config.credentials()
                                                    .authorizationHeader()
                                                    .orElseThrow())
                                })
                        .build()) {
            assertThat(
                            client.performRequest(new Request("GET", "/_cluster/health"))
                                    .getStatusLine()
                                    .getStatusCode())
                    .isEqualTo(200);
        }
        assertThat(PROXY.requestsOn(impostor))
                .hasSize(before + 1)
                .last()
                .asString()
                .startsWith(
                        impostor.substring(impostor.lastIndexOf(':') + 1)
                                + " "
                                + PROXY.user()
                                + " ");
    }

    @Test
    void anotherCaOrAnotherFingerprintIsRefused() {
        String otherCertificate = PROXY.get("ES_TLS_SELF_SIGNED_FILE");
        assertThatThrownBy(
                        () ->
                                health(
                                        to(
                                                        PROXY.url(),
                                                        TrustSettings.caCertificate(
                                                                otherCertificate))
                                                .build()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path building failed");
        assertThatThrownBy(
                        () ->
                                health(
                                        to(
                                                        PROXY.url(),
                                                        TrustSettings.caFingerprint(
                                                                PROXY.get(
                                                                        "ES_TLS_SELF_SIGNED_FINGERPRINT")))
                                                .build()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining(
                        "none of the certificates the server presented has the pinned"
                                + " SHA-256 fingerprint "
                                + PROXY.get("ES_TLS_SELF_SIGNED_FINGERPRINT"))
                .hasMessageContaining(
                        "CN=sshdnetcon test CA (SHA-256 "
                                + PROXY.get("ES_TLS_CA_FINGERPRINT")
                                + ")");
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedInBothModes() throws IOException {
        String wrongHost = PROXY.get("ES_TLS_WRONG_HOST_URL");
        for (TrustSettings trust : List.of(caFile(), caPin())) {
            // The chain is the real CA's: only the name check can refuse it.
            assertThatThrownBy(() -> health(to(wrongHost, trust).build()))
                    .as("%s", trust)
                    .hasRootCauseInstanceOf(SSLPeerUnverifiedException.class)
                    .hasRootCauseMessage(
                            "Host name '127.0.0.1' does not match the certificate"
                                    + " subject provided by the peer (CN=wrong-host.invalid)");
        }
        assertThat(PROXY.requestsOn(wrongHost)).isEmpty();
    }

    @Test
    void aPinnedSelfSignedNodeCertificateIsItsOwnAnchor() throws IOException {
        String selfSigned = PROXY.get("ES_TLS_SELF_SIGNED_URL");
        assertThat(
                        health(
                                to(
                                                selfSigned,
                                                TrustSettings.caFingerprint(
                                                        PROXY.get(
                                                                "ES_TLS_SELF_SIGNED_FINGERPRINT")))
                                        .build()))
                .isEqualTo(200);
        assertThat(
                        health(
                                to(
                                                selfSigned,
                                                TrustSettings.caCertificate(
                                                        PROXY.get("ES_TLS_SELF_SIGNED_FILE")))
                                        .build()))
                .isEqualTo(200);
        // The CA's pin does not cover a certificate the CA did not sign.
        assertThatThrownBy(() -> health(to(selfSigned, caPin()).build()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("none of the certificates");
    }

    @Test
    void basicAuthenticationIsWhatLetsTheSinkIn() throws IOException {
        Path wrongPassword =
                Path.of(System.getProperty("java.io.tmpdir"))
                        .resolve("sshdnetcon-tls-it-wrong-password");
        java.nio.file.Files.writeString(wrongPassword, "not-" + PROXY.password());
        ElasticsearchSinkConfig wrong =
                to(PROXY.url(), caPin())
                        .credentials(
                                Credentials.basic(
                                        PROXY.user(), SecretRef.file(wrongPassword.toString())))
                        .build();
        ElasticsearchSinkConfig none =
                to(PROXY.url(), caPin()).credentials(Credentials.NONE).build();

        for (ElasticsearchSinkConfig config : List.of(wrong, none)) {
            assertThatThrownBy(() -> health(config))
                    .isInstanceOfSatisfying(
                            ResponseException.class,
                            e ->
                                    assertThat(e.getResponse().getStatusLine().getStatusCode())
                                            .isEqualTo(401));
        }
        assertThat(health(to(PROXY.url(), caPin()).build())).isEqualTo(200);
    }

    @Test
    void theSinkWritesAlertsThroughTheProxyWithBasicAuthentication() throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config = to(PROXY.url(), caPin()).namespace(namespace).build();
        List<AlertDocument> alerts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alerts.add(TestAlerts.alert(namespace + "-" + i, "h" + i, "8.8.8." + i));
        }
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);

        run(alerts, ElasticsearchAlertSink.create(config, deadLetters));

        assertThat(ELASTICSEARCH.queries().count(config.dataStream())).isEqualTo(alerts.size());
        assertThat(deadLetters.letters()).isEmpty();
        assertThat(PROXY.requestsOn(PROXY.url()))
                .anyMatch(
                        l ->
                                l.contains(
                                        " "
                                                + PROXY.user()
                                                + " \"PUT /_index_template/"
                                                + config.dataStream()
                                                + " HTTP/1.1\" 200 "))
                .anyMatch(
                        l ->
                                l.contains(" " + PROXY.user() + " \"POST /_bulk?")
                                        && l.contains(" 200 "));
    }

    @Test
    void aTlsFailureFailsTheJobInsteadOfRetryingForever() {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        ElasticsearchSinkConfig config =
                to(PROXY.get("ES_TLS_WRONG_HOST_URL"), caPin()).namespace(namespace).build();
        long start = System.nanoTime();

        assertThatThrownBy(
                        () ->
                                run(
                                        List.of(TestAlerts.alert(namespace, "h", "8.8.8.8")),
                                        ElasticsearchAlertSink.create(
                                                config, RecordingDeadLetters.fresh(namespace))))
                .satisfies(
                        failure ->
                                assertThat(
                                                ExceptionUtils.findThrowableWithMessage(
                                                        failure, "TLS with Elasticsearch failed"))
                                        .hasValueSatisfying(
                                                t ->
                                                        assertThat(t.getMessage())
                                                                .contains("which no retry can fix")
                                                                .contains(
                                                                        "does not match the"
                                                                                + " certificate"
                                                                                + " subject")));
        // One attempt, not the backoff loop an outage gets.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theStartUpCheckPassesTheRealServer() throws Exception {
        assertThat(ElasticsearchStartupCheck.run(to(PROXY.url(), caPin()).build())).isEmpty();
        assertThat(ElasticsearchStartupCheck.run(to(PROXY.url(), caFile()).build())).isEmpty();
    }

    @Test
    void theStartUpCheckRefusesTlsFailuresWithTheReason() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        to(PROXY.get("ES_TLS_IMPOSTOR_URL"), caPin()).build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageStartingWith(
                        "TLS with Elasticsearch "
                                + PROXY.get("ES_TLS_IMPOSTOR_URL")
                                + " failed: CertPathValidatorException: Path does not chain with"
                                + " any of the trust anchors");
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        to(PROXY.get("ES_TLS_WRONG_HOST_URL"), caFile()).build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageContaining(
                        "SSLPeerUnverifiedException: Host name '127.0.0.1' does not"
                                + " match the certificate subject provided by the peer"
                                + " (CN=wrong-host.invalid)");
        // https to a plain http port.
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        ElasticsearchSinkConfig.builder()
                                                .host(
                                                        ELASTICSEARCH
                                                                .url()
                                                                .replace("http://", "https://"))
                                                .trust(caFile())
                                                .build()))
                .hasMessageContaining("Unrecognized SSL message, plaintext connection?");
    }

    @Test
    void theStartUpCheckRefusesAWrongPasswordAndAUserWithoutPrivileges() throws IOException {
        Path wrongPassword =
                Path.of(System.getProperty("java.io.tmpdir"))
                        .resolve("sshdnetcon-tls-it-wrong-password-2");
        java.nio.file.Files.writeString(wrongPassword, "not-" + PROXY.password());
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        to(PROXY.url(), caPin())
                                                .credentials(
                                                        Credentials.basic(
                                                                PROXY.user(),
                                                                SecretRef.file(
                                                                        wrongPassword.toString())))
                                                .build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageStartingWith(
                        "Elasticsearch "
                                + PROXY.url()
                                + " refused the credentials (401 Unauthorized)");
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        to(PROXY.url(), caPin())
                                                .credentials(
                                                        Credentials.basic(
                                                                PROXY.get(
                                                                        "ES_TLS_NO_PRIVILEGE_USER"),
                                                                SecretRef.file(
                                                                        PROXY.get(
                                                                                "ES_TLS_NO_PRIVILEGE_PASSWORD_FILE"))))
                                                .build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageContaining(
                        "refused the sink's user (403 security_exception: action"
                                + " [indices:data/write/bulk] is unauthorized for user"
                                + " [no-privilege])");
    }

    @Test
    void anUnreachableHostIsAnErrorWhenStrictAndAWarningWhenLenient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "https://127.0.0.1:" + closedPort;
        ElasticsearchSinkConfig.Builder twoHosts = to(PROXY.url(), caPin()).host(unreachable);

        assertThatThrownBy(() -> ElasticsearchStartupCheck.run(twoHosts.build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageStartingWith("Elasticsearch " + unreachable + " cannot be reached: ")
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("es.startup-check: LENIENT");
        assertThat(
                        ElasticsearchStartupCheck.run(
                                twoHosts.startupCheck(ElasticsearchSinkConfig.StartupCheck.LENIENT)
                                        .build()))
                .singleElement()
                .asString()
                .startsWith("Elasticsearch " + unreachable + " cannot be reached: ");
        assertThat(
                        ElasticsearchStartupCheck.run(
                                twoHosts.startupCheck(ElasticsearchSinkConfig.StartupCheck.OFF)
                                        .build()))
                .isEmpty();
    }

    @Test
    void aSecretThisProcessCannotReadStillGetsTlsChecked() throws Exception {
        ElasticsearchSinkConfig.Builder elsewhere =
                to(PROXY.url(), caPin())
                        .credentials(
                                Credentials.basic(
                                        PROXY.user(),
                                        SecretRef.environmentVariable(
                                                "SSHDNETCON_SURELY_UNSET_PASSWORD")));

        assertThat(ElasticsearchStartupCheck.run(elsewhere.build()))
                .hasSize(2)
                .anySatisfy(
                        w ->
                                assertThat(w)
                                        .contains("cannot check the Elasticsearch credentials")
                                        .contains("SSHDNETCON_SURELY_UNSET_PASSWORD is not set"))
                .anySatisfy(w -> assertThat(w).contains("401"));
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        elsewhere.host(PROXY.get("ES_TLS_IMPOSTOR_URL")).build()))
                .hasMessageContaining("Path does not chain");
    }

    @Test
    void theStartUpCheckRefusesAnAnswerThatIsNotElasticsearchs() {
        assertThatThrownBy(
                        () ->
                                ElasticsearchStartupCheck.run(
                                        ElasticsearchSinkConfig.builder()
                                                .host(ELASTICSEARCH.url() + "/not-es")
                                                .build()))
                .isInstanceOf(ElasticsearchStartupCheck.Refused.class)
                .hasMessageContaining(
                        "is this an Elasticsearch node, and is the URL's path prefix" + " right?");
    }

    private static void run(List<AlertDocument> alerts, ElasticsearchAlertSink sink)
            throws Exception {
        Configuration conf = PipelineSettings.apply(new Configuration());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromData(alerts)
                .uid("alerts")
                .name("alerts")
                .sinkTo(sink)
                .uid("es-alert-sink")
                .name("Elasticsearch alerts");
        env.execute("es-tls-it");
    }
}
