package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.http.ConnectionClosedException;
import org.junit.jupiter.api.Test;

class RequestFailuresTest {

    private static ElasticsearchException answered(int status, String type) {
        return new ElasticsearchException(
                "bulk",
                ErrorResponse.of(r -> r.status(status).error(e -> e.type(type).reason("r"))));
    }

    @Test
    void outagesAreRetried() {
        assertThat(RequestFailures.isRetryable(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(
                        RequestFailures.isRetryable(
                                new CompletionException(
                                        new SocketTimeoutException("30,000 milliseconds"))))
                .isTrue();
        assertThat(RequestFailures.isRetryable(new IOException("connection reset"))).isTrue();
        assertThat(RequestFailures.isRetryable(answered(503, "cluster_block_exception"))).isTrue();
        assertThat(RequestFailures.isRetryable(answered(429, "es_rejected_execution_exception")))
                .isTrue();
        assertThat(
                        RequestFailures.isRetryable(
                                new TemplateInstallException("t", new ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void configurationErrorsAreNotRetried() {
        assertThat(RequestFailures.isRetryable(answered(401, "security_exception"))).isFalse();
        assertThat(
                        RequestFailures.isRetryable(
                                new CompletionException(answered(403, "security_exception"))))
                .isFalse();
        assertThat(
                        RequestFailures.isRetryable(
                                new TemplateInstallException(
                                        "t", answered(400, "illegal_argument_exception"))))
                .isFalse();
        // Not an I/O problem: a fresh client after a job restart is the cure.
        assertThat(RequestFailures.isRetryable(new IllegalStateException("I/O reactor stopped")))
                .isFalse();
    }

    @Test
    void tlsFailuresAreConfigurationErrors() {
        // What the client reports, as seen against the real nginx proxy (ElasticsearchTlsITCase).
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path validation failed");
        untrusted.initCause(
                new CertificateException(
                        new CertPathValidatorException(
                                "Path does not chain with any of the trust anchors")));
        SSLPeerUnverifiedException wrongHost =
                new SSLPeerUnverifiedException(
                        "Host name '127.0.0.1' does not match the certificate subject provided by"
                                + " the peer");
        for (Throwable failure :
                List.of(
                        untrusted,
                        new CompletionException(untrusted),
                        new IOException(wrongHost.getMessage(), wrongHost),
                        new SSLException("Unrecognized SSL message, plaintext connection?"),
                        new TemplateInstallException("t", wrongHost))) {
            assertThat(RequestFailures.isTlsFailure(failure)).as("%s", failure).isTrue();
            assertThat(RequestFailures.isRetryable(failure)).as("%s", failure).isFalse();
        }
        // A node that closes the connection during the handshake (restarting) is an outage.
        ConnectionClosedException closed = new ConnectionClosedException("Connection is closed");
        assertThat(RequestFailures.isTlsFailure(closed)).isFalse();
        assertThat(RequestFailures.isRetryable(closed)).isTrue();
    }

    @Test
    void statusOfAWholeRequestFailure() {
        assertThat(RequestFailures.status(new CompletionException(answered(413, "x"))))
                .isEqualTo(413);
        assertThat(
                        RequestFailures.status(
                                new TemplateInstallException(
                                        "t", answered(403, "security_exception"))))
                .isEqualTo(403);
        assertThat(RequestFailures.status(new ConnectException("refused"))).isEqualTo(-1);
    }

    @Test
    void describeNamesTheRootFailure() {
        assertThat(
                        RequestFailures.describe(
                                new CompletionException(
                                        new ConnectException("Connection refused"))))
                .isEqualTo("ConnectException: Connection refused");
    }

    @Test
    void describeKeepsOneLineOfAResponseAndElasticsearchsReason() {
        // The low-level client's message: a line about the request, then the body.
        String request =
                "method [POST], host [https://127.0.0.1:19447], URI [/_bulk], status line"
                        + " [HTTP/1.1 413 Request Entity Too Large]";
        assertThat(
                        RequestFailures.describe(
                                new IOException(
                                        request
                                                + "\n"
                                                + "<html>\n"
                                                + "<head><title>413 Request Entity Too"
                                                + " Large</title></head>\n"
                                                + "</html>\n")))
                .isEqualTo("IOException: " + request);
        assertThat(
                        RequestFailures.describe(
                                new IOException(
                                        request
                                                + "\n"
                                                + "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable"
                                                + " to authenticate\"},\"status\":401}")))
                .isEqualTo(
                        "IOException: " + request + " security_exception: unable to authenticate");
    }
}
