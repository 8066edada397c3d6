package io.sshdnetcon.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.elasticsearch.client.ResponseException;

/**
 * Classifies a request that failed as a whole (no per-item answers). Outages (connection refused,
 * timeouts, a peer that closes the connection, 5xx, 429) are retried for as long as they last. A
 * definite 4xx other than 408/413/429 (bad credentials, missing privilege, a template Elasticsearch
 * refuses) and any TLS failure (untrusted certificate, host name mismatch, a plain http port) are
 * configuration errors no retry can fix: they fail the job with the reason. 413 is the writer's to
 * handle: it splits the request.
 */
public final class RequestFailures {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        if (isTlsFailure(t)) {
            // SSLException is an IOException, but a certificate does not heal by waiting. A peer
            // that closes the connection mid-handshake (a node restarting) is not one of these:
            // the client reports ConnectionClosedException, which is retried.
            return false;
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

    /**
     * The TLS layer refused the server (certificate not trusted, host name not in it) or could not
     * speak TLS with it (a plain http port): anything in the cause chain is an {@link SSLException}
     * or a {@link CertificateException}.
     */
    public static boolean isTlsFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The HTTP status of a whole-request failure, or -1 if no answer arrived. */
    public static int status(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof TemplateInstallException && t.getCause() != null) {
            t = unwrap(t.getCause());
        }
        if (t instanceof ElasticsearchException e) {
            return e.status();
        }
        if (t instanceof ResponseException e) {
            return e.getResponse().getStatusLine().getStatusCode();
        }
        if (t instanceof TransportException e && e.statusCode() > 0) {
            return e.statusCode();
        }
        return -1;
    }

    /**
     * One line for logs and exceptions: class and message of the root failure. A response's body is
     * cut off (a proxy's HTML page), except Elasticsearch's own error type and reason.
     */
    public static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            text.append(": ").append(firstLine(t.getMessage()));
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t && cause.getMessage() != null) {
            text.append(" (")
                    .append(cause.getClass().getSimpleName())
                    .append(": ")
                    .append(firstLine(cause.getMessage()))
                    .append(')');
        }
        return text.toString();
    }

    /**
     * The low-level client's message is a line about the request, then the response body: keep the
     * line, and from the body only Elasticsearch's {@code error.type: error.reason}.
     */
    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        if (newline < 0) {
            return message;
        }
        String line = message.substring(0, newline);
        try {
            JsonNode error = JSON.readTree(message.substring(newline + 1)).path("error");
            if (error.isObject()) {
                return line
                        + " "
                        + error.path("type").asText()
                        + ": "
                        + error.path("reason").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // An HTML page or plain text: the line says enough.
        }
        return line;
    }
}
