package io.sshdnetcon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Kafka and Elasticsearch servers for integration tests, started through the same scripts
 * users run ({@code scripts/kafka.sh}, {@code scripts/elasticsearch.sh}). A server that was already
 * running is used and left running; one this JVM started is stopped when the test run ends. Ports
 * come from {@code KAFKA_PORT} / {@code ES_PORT} as in the scripts.
 */
public final class LocalStack {

    private static final Path ROOT = findRoot();
    private static final Object LOCK = new Object();
    private static String kafkaBootstrap;
    private static String elasticsearchUrl;
    private static Map<String, String> elasticsearchTlsProxy;

    private LocalStack() {}

    /** Starts (or reuses) Kafka; returns its bootstrap servers. */
    public static String kafka(ExtensionContext context) {
        synchronized (LOCK) {
            if (kafkaBootstrap == null) {
                ensureRunning(context, "kafka.sh");
                kafkaBootstrap = run("kafka.sh", "bootstrap").trim();
            }
            return kafkaBootstrap;
        }
    }

    /** Starts (or reuses) Elasticsearch; returns its base URL. */
    public static String elasticsearch(ExtensionContext context) {
        synchronized (LOCK) {
            if (elasticsearchUrl == null) {
                ensureRunning(context, "elasticsearch.sh");
                elasticsearchUrl = run("elasticsearch.sh", "url").trim();
            }
            return elasticsearchUrl;
        }
    }

    /**
     * Starts (or reuses) Elasticsearch and the nginx TLS proxy in front of it ({@code
     * scripts/es-tls-proxy.sh}); returns the proxy's settings ({@code ES_TLS_URL}, ...).
     */
    public static Map<String, String> elasticsearchTlsProxy(ExtensionContext context) {
        elasticsearch(context);
        synchronized (LOCK) {
            if (elasticsearchTlsProxy == null) {
                ensureRunning(context, "es-tls-proxy.sh");
                Map<String, String> settings = new LinkedHashMap<>();
                for (String line : run("es-tls-proxy.sh", "env").split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        settings.put(line.substring(0, eq), line.substring(eq + 1).trim());
                    }
                }
                elasticsearchTlsProxy = Map.copyOf(settings);
            }
            return elasticsearchTlsProxy;
        }
    }

    /** Stops a server (for outage tests) and starts it again; only servers this JVM owns. */
    public static void stop(String script) {
        run(script, "stop");
    }

    public static void start(String script) {
        run(script, "start");
    }

    public static Path root() {
        return ROOT;
    }

    private static void ensureRunning(ExtensionContext context, String script) {
        boolean wasRunning = exitCode(script, "status") == 0;
        run(script, "start");
        if (!wasRunning) {
            // Stop it once, when the whole test run is over.
            context.getRoot()
                    .getStore(ExtensionContext.Namespace.GLOBAL)
                    .put(
                            "local-stack-" + script,
                            (ExtensionContext.Store.CloseableResource) () -> run(script, "stop"));
        }
    }

    private static String run(String script, String... args) {
        Result r = exec(script, args);
        if (r.code != 0) {
            throw new IllegalStateException(
                    "scripts/"
                            + script
                            + " "
                            + String.join(" ", args)
                            + " failed ("
                            + r.code
                            + "):\n"
                            + r.output);
        }
        return r.stdout;
    }

    private static int exitCode(String script, String... args) {
        return exec(script, args).code;
    }

    private record Result(int code, String stdout, String output) {}

    private static Result exec(String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("scripts").resolve(script).toString());
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("local-stack", ".err");
            Process p =
                    new ProcessBuilder(command)
                            .directory(ROOT.toFile())
                            .redirectError(err.toFile())
                            .start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            return new Result(p.exitValue(), stdout, stdout + stderr);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts").resolve("kafka.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (scripts/kafka.sh)");
        }
        return dir;
    }
}
