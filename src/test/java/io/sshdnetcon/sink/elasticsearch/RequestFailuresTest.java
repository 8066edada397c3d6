package io.sshdnetcon.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RequestFailuresTest {

    private static ElasticsearchException answered(int status, String type) {
        return new ElasticsearchException(
                "bulk", ErrorResponse.of(r -> r.status(status).error(e -> e.type(type).reason("r"))));
    }

    @Test
    void outagesAreRetried() {
        assertThat(RequestFailures.isRetryable(new ConnectException("Connection refused"))).isTrue();
        assertThat(RequestFailures.isRetryable(
                        new CompletionException(new SocketTimeoutException("30,000 milliseconds"))))
                .isTrue();
        assertThat(RequestFailures.isRetryable(new IOException("connection reset"))).isTrue();
        assertThat(RequestFailures.isRetryable(answered(503, "cluster_block_exception"))).isTrue();
        assertThat(RequestFailures.isRetryable(answered(429, "es_rejected_execution_exception")))
                .isTrue();
        assertThat(RequestFailures.isRetryable(
                        new TemplateInstallException("t", new ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void configurationErrorsAreNotRetried() {
        assertThat(RequestFailures.isRetryable(answered(401, "security_exception"))).isFalse();
        assertThat(RequestFailures.isRetryable(new CompletionException(answered(403, "security_exception"))))
                .isFalse();
        assertThat(RequestFailures.isRetryable(
                        new TemplateInstallException("t", answered(400, "illegal_argument_exception"))))
                .isFalse();
        // Not an I/O problem: a fresh client after a job restart is the cure.
        assertThat(RequestFailures.isRetryable(new IllegalStateException("I/O reactor stopped")))
                .isFalse();
    }

    @Test
    void describeNamesTheRootFailure() {
        assertThat(RequestFailures.describe(new CompletionException(new ConnectException("Connection refused"))))
                .isEqualTo("ConnectException: Connection refused");
    }
}
