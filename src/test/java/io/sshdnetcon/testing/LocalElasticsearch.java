package io.sshdnetcon.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real node for a test class, from {@link LocalStack} (started once per test JVM, stopped at
 * the end only if this JVM started it). Register as a static {@code @RegisterExtension} field.
 */
public final class LocalElasticsearch implements BeforeAllCallback {

    private String url;

    @Override
    public void beforeAll(ExtensionContext context) {
        url = LocalStack.elasticsearch(context);
    }

    public String url() {
        if (url == null) {
            throw new IllegalStateException("Elasticsearch is not started yet");
        }
        return url;
    }

    public ElasticsearchQueries queries() {
        return new ElasticsearchQueries(url());
    }
}
