package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalTlsProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code StreamingJob.main} as a user runs it, in its own JVM, against the real nginx proxy in
 * front of the real Elasticsearch: a wrong password or an untrusted server stops the start with one
 * clear line and exit code 2, after one request, before anything else (Kafka is not even there).
 */
class StreamingJobElasticsearchCheckITCase {

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();
    @RegisterExtension static final LocalTlsProxy PROXY = new LocalTlsProxy();

    @TempDir Path dir;

    private record Exit(int code, String stderr, Duration took) {}

    private Exit streamingJob(String... esOptions) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                StreamingJob.class.getName(),
                                // Checkpointing is on and nothing listens at the Kafka address: the
                                // Elasticsearch check comes before anything that needs Kafka.
                                "--execution.checkpointing.interval",
                                "10s",
                                "--kafka.bootstrap-servers",
                                "127.0.0.1:1",
                                "--kafka.events-topics",
                                "events"));
        command.addAll(List.of(esOptions));
        Path stderr = dir.resolve("stderr-" + System.nanoTime());
        long start = System.nanoTime();
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(stderr.toFile())
                        .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("StreamingJob did not exit: " + Files.readString(stderr));
        }
        return new Exit(
                process.exitValue(),
                Files.readString(stderr, StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aWrongPasswordIsOneClearErrorAndOneRequest() throws Exception {
        Path wrongPassword = Files.writeString(dir.resolve("password"), "not-" + PROXY.password());
        int before = PROXY.requestsOn(PROXY.url()).size();

        Exit exit =
                streamingJob(
                        "--es.hosts", PROXY.url(),
                        "--es.ca-fingerprint", PROXY.get("ES_TLS_CA_FINGERPRINT"),
                        "--es.username", PROXY.user(),
                        "--es.password-file", wrongPassword.toString());

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr())
                .contains(
                        "sshd-netcon-detector: Elasticsearch "
                                + PROXY.url()
                                + " refused the credentials (401 Unauthorized): check es.username");
        assertThat(exit.stderr()).doesNotContain(PROXY.password());
        assertThat(
                        PROXY.requestsOn(PROXY.url())
                                .subList(before, PROXY.requestsOn(PROXY.url()).size()))
                .singleElement()
                .asString()
                .contains(" " + PROXY.user() + " \"GET /_cluster/health HTTP/1.1\" 401 ");
    }

    @Test
    void anUntrustedServerStopsTheStartBeforeAnyRequest() throws Exception {
        String impostor = PROXY.get("ES_TLS_IMPOSTOR_URL");
        int before = PROXY.requestsOn(impostor).size();

        Exit exit =
                streamingJob(
                        "--es.hosts", impostor,
                        "--es.ca-fingerprint", PROXY.get("ES_TLS_CA_FINGERPRINT"),
                        "--es.username", PROXY.user(),
                        "--es.password-file", PROXY.passwordFile());

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr())
                .contains(
                        "sshd-netcon-detector: TLS with Elasticsearch "
                                + impostor
                                + " failed: CertPathValidatorException: Path does not chain with"
                                + " any of the trust anchors");
        assertThat(PROXY.requestsOn(impostor)).hasSize(before);
    }

    @Test
    void credentialsOverPlainHttpAreRefusedBeforeAnyConnection() throws Exception {
        Exit exit =
                streamingJob(
                        "--es.hosts", ELASTICSEARCH.url(),
                        "--es.username", PROXY.user(),
                        "--es.password-file", PROXY.passwordFile());

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr())
                .contains("credentials would be sent in clear text")
                .contains("es.allow-credentials-over-http");
    }
}
