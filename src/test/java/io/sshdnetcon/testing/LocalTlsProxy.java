package io.sshdnetcon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real nginx TLS proxy with basic authentication in front of the real Elasticsearch, for a test
 * class ({@code scripts/es-tls-proxy.sh}, through {@link LocalStack}: started once per test JVM,
 * stopped at the end only if this JVM started it). Register as a static {@code @RegisterExtension}
 * field.
 */
public final class LocalTlsProxy implements BeforeAllCallback {

    private Map<String, String> settings;

    @Override
    public void beforeAll(ExtensionContext context) {
        settings = LocalStack.elasticsearchTlsProxy(context);
    }

    /** A setting printed by {@code scripts/es-tls-proxy.sh env}, such as {@code ES_TLS_URL}. */
    public String get(String key) {
        if (settings == null) {
            throw new IllegalStateException("the TLS proxy is not started yet");
        }
        String value = settings.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key + " in " + settings.keySet());
        }
        return value;
    }

    public String url() {
        return get("ES_TLS_URL");
    }

    public String user() {
        return get("ES_TLS_USER");
    }

    public String passwordFile() {
        return get("ES_TLS_PASSWORD_FILE");
    }

    public String password() throws IOException {
        return Files.readString(Path.of(passwordFile())).strip();
    }

    /** Lines of nginx's access log ({@code port user "request" status bytes}) for one port. */
    public List<String> requestsOn(String url) throws IOException {
        String port = url.substring(url.lastIndexOf(':') + 1);
        return Files.readAllLines(Path.of(get("ES_TLS_ACCESS_LOG"))).stream()
                .filter(line -> line.startsWith(port + " "))
                .toList();
    }
}
