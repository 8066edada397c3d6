package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalStack;
import io.sshdnetcon.testing.LocalTlsProxy;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationBuilder;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The credentials never reach a log, whatever the root level: each shipped log4j configuration is
 * loaded with its own loggers and the root at TRACE, everything is captured, and real requests go
 * through the nginx proxy with basic authentication (as the sink sends them: {@code Authorization}
 * on every request). The capture must hold the HTTP client's debug output (so TRACE is really on)
 * and neither the header value nor the password. The control removes the pins and finds the header
 * in the log, so the check can fail.
 */
class SecretLoggingITCase {

    /** Every log4j configuration the project ships or tests with. */
    private static final List<String> SHIPPED =
            List.of(
                    "flink-conf/log4j.properties",
                    "flink-conf/log4j-cli.properties",
                    "flink-conf/log4j-replay.properties",
                    "src/test/resources/log4j2-test.properties");

    /** The loggers that print request headers or bodies, and must be off in every one. */
    private static final List<String> PINNED =
            List.of("org.apache.http.headers", "org.apache.http.wire", "tracer");

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();
    @RegisterExtension static final LocalTlsProxy PROXY = new LocalTlsProxy();

    @TempDir Path dir;

    private static Properties load(String shipped) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(LocalStack.root().resolve(shipped))) {
            properties.load(in);
        }
        return properties;
    }

    /** The shipped file's loggers, with the root at TRACE into {@code capture} only. */
    private static Properties atTrace(Properties shipped, Path capture) {
        Properties properties = new Properties();
        for (String key : shipped.stringPropertyNames()) {
            if (key.startsWith("logger.") || key.startsWith("property.")) {
                properties.setProperty(key, shipped.getProperty(key));
            }
        }
        properties.setProperty("rootLogger.level", "TRACE");
        properties.setProperty("rootLogger.appenderRef.capture.ref", "Capture");
        properties.setProperty("appender.capture.name", "Capture");
        properties.setProperty("appender.capture.type", "File");
        properties.setProperty("appender.capture.fileName", capture.toString());
        properties.setProperty("appender.capture.layout.type", "PatternLayout");
        properties.setProperty("appender.capture.layout.pattern", "%c %p %m%n");
        return properties;
    }

    private static ElasticsearchSinkConfig config() {
        return ElasticsearchSinkConfig.builder()
                .host(PROXY.url())
                .trust(TrustSettings.caFingerprint(PROXY.get("ES_TLS_CA_FINGERPRINT")))
                .credentials(Credentials.basic(PROXY.user(), SecretRef.file(PROXY.passwordFile())))
                .build();
    }

    /** Sends what the sink sends (a GET and a bulk) with {@code properties} as the log config. */
    private static String logOfRequests(Properties properties, Path capture) throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        URI original = context.getConfigLocation();
        try {
            Configurator.reconfigure(
                    new PropertiesConfigurationBuilder()
                            .setRootProperties(properties)
                            .setLoggerContext(context)
                            .build());
            ElasticsearchSinkConfig config = config();
            try (RestClient client = ElasticsearchConnection.restClient(config, config.hosts())) {
                client.performRequest(new Request("GET", "/_cluster/health"));
            }
            try (ElasticsearchConnection connection = ElasticsearchConnection.open(config)) {
                connection
                        .bulk(
                                List.of(
                                        new BulkCreate(
                                                "logs-secretlogging-it",
                                                "1",
                                                "{\"@timestamp\":\"2026-01-05T10:00:00Z\"}"
                                                        .getBytes(StandardCharsets.UTF_8))))
                        .get(30, TimeUnit.SECONDS);
            }
        } finally {
            context.setConfigLocation(original);
        }
        return Files.readString(capture);
    }

    private static String encodedCredentials() {
        return config().credentials()
                .authorizationHeader()
                .orElseThrow()
                .substring("Basic ".length());
    }

    @ParameterizedTest
    @FieldSource("SHIPPED")
    void noShippedConfigurationLogsTheCredentialsEvenAtTrace(String shipped) throws Exception {
        Properties properties = load(shipped);
        for (String logger : PINNED) {
            assertThat(properties.entrySet())
                    .as("%s pins %s off", shipped, logger)
                    .anySatisfy(
                            e -> {
                                String key = (String) e.getKey();
                                assertThat(key).startsWith("logger.").endsWith(".name");
                                assertThat(e.getValue()).isEqualTo(logger);
                                assertThat(
                                                properties.getProperty(
                                                        key.substring(
                                                                        0,
                                                                        key.length()
                                                                                - ".name".length())
                                                                + ".level"))
                                        .isEqualToIgnoringCase("OFF");
                            });
        }

        String log =
                logOfRequests(
                        atTrace(properties, dir.resolve("capture.log")),
                        dir.resolve("capture.log"));

        // TRACE is really on: the HTTP client's own debug lines are there.
        assertThat(log)
                .contains("org.apache.http.impl.nio.client.MainClientExec DEBUG")
                .contains("org.elasticsearch.client.RestClient DEBUG");
        assertThat(log)
                .doesNotContain(encodedCredentials())
                .doesNotContain(PROXY.password())
                .doesNotContainIgnoringCase("Authorization:");
    }

    @Test
    void withoutThePinsTheHeaderIsLogged() throws Exception {
        Properties unpinned = load("src/test/resources/log4j2-test.properties");
        unpinned.stringPropertyNames().stream()
                .filter(
                        k ->
                                k.startsWith("logger.")
                                        && k.endsWith(".name")
                                        && PINNED.contains(unpinned.getProperty(k)))
                .map(k -> k.substring(0, k.length() - ".name".length()))
                .toList()
                .forEach(
                        prefix -> {
                            unpinned.remove(prefix + ".name");
                            unpinned.remove(prefix + ".level");
                        });

        String log =
                logOfRequests(
                        atTrace(unpinned, dir.resolve("control.log")), dir.resolve("control.log"));

        // Connection numbers count up per JVM.
        assertThat(log)
                .containsPattern(
                        "org\\.apache\\.http\\.headers DEBUG http-outgoing-\\d+ >>"
                                + " Authorization: Basic "
                                + Pattern.quote(encodedCredentials()));
        assertThat(log).contains("org.apache.http.wire DEBUG").contains("tracer TRACE curl");
    }

    @Test
    void everyShippedConfigurationIsCovered() throws IOException {
        try (var files = Files.list(LocalStack.root().resolve("flink-conf"))) {
            assertThat(
                            files.map(f -> "flink-conf/" + f.getFileName())
                                    .filter(f -> f.contains("log4j")))
                    .allMatch(SHIPPED::contains);
        }
    }
}
