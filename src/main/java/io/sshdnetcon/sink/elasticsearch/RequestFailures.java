package io.sshdnetcon.sink.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.elasticsearch.client.ResponseException;

/**
 * Classifies a request that failed as a whole (no per-item answers). Outages (connection refused,
 * timeouts, 5xx, 429) are retried for as long as they last. A definite 4xx other than 408/429
 * (bad credentials, missing privilege, a template Elasticsearch refuses) is a configuration error
 * no retry can fix: it fails the job with the server's message.
 */
public final class RequestFailures {

    private RequestFailures() {}

    /** The exception a future failed with, without the wrappers futures add. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    public static boolean isRetryable(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof TemplateInstallException && t.getCause() != null) {
            t = unwrap(t.getCause());
        }
        if (t instanceof ElasticsearchException e) {
            return ItemOutcome.isRetryableStatus(e.status());
        }
        if (t instanceof ResponseException e) {
            return ItemOutcome.isRetryableStatus(e.getResponse().getStatusLine().getStatusCode());
        }
        if (t instanceof TransportException e) {
            // No status (-1 or 0) means the answer never arrived or was not readable.
            return e.statusCode() <= 0 || ItemOutcome.isRetryableStatus(e.statusCode());
        }
        // Connection refused or reset, timeouts, DNS: the network or the node is down.
        // Anything else (a client bug, a stopped I/O reactor) will not heal by waiting; a job
        // restart builds a fresh client.
        return t instanceof IOException;
    }

    /** One line for logs and exceptions: class and message of the root failure. */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            text.append(": ").append(t.getMessage());
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t && cause.getMessage() != null) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ")
                    .append(cause.getMessage()).append(')');
        }
        return text.toString();
    }
}
