package io.sshdnetcon.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the streaming job starts: asks every host once ({@code GET /_cluster/health}) with the
 * sink's own TLS settings, host-name check and credentials, so that a configuration no retry can
 * fix stops the start with one clear message instead of a job that restarts forever or buffers
 * alerts it can never deliver.
 *
 * <ul>
 *   <li>TLS failure (untrusted certificate, pin not found, host name mismatch, plain http port),
 *       401, or an answer that is not Elasticsearch's (404: wrong path prefix or not
 *       Elasticsearch): refused.
 *   <li>403: the health API needs the {@code monitor} cluster privilege, which a least-privilege
 *       writer may lack; then {@code GET /_security/_authenticate}, which any authenticated user
 *       may call, decides: it answers, the check passes with a warning; it is refused too, refused.
 *   <li>429, 5xx: reachable but busy or recovering; a warning (the sink retries).
 *   <li>Unreachable (refused, timeout, unknown host): refused in {@link
 *       ElasticsearchSinkConfig.StartupCheck#STRICT STRICT} (the default: at a start someone is
 *       watching, and a host that does not answer is more often a typo or a firewall than a
 *       maintenance window), a warning in {@link ElasticsearchSinkConfig.StartupCheck#LENIENT
 *       LENIENT}, where the sink buffers and retries as during any outage.
 * </ul>
 *
 * <p>The check runs where {@code main} runs (the client or the JobManager). If a secret is not
 * readable there (the TaskManagers have the variable or file, this process does not), it checks TLS
 * and reachability without credentials and says so.
 */
public final class ElasticsearchStartupCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchStartupCheck.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEALTH = "/_cluster/health";

    private ElasticsearchStartupCheck() {}

    /** The job must not start; the message names the host, the answer and what to change. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @return the warnings (also logged); empty when every host answered as expected
     * @throws Refused if a host refused the sink's settings, or (strict) could not be reached
     */
    public static List<String> run(ElasticsearchSinkConfig config) throws Refused {
        List<String> warnings = new ArrayList<>();
        if (config.startupCheck() == ElasticsearchSinkConfig.StartupCheck.OFF) {
            return warnings;
        }
        Optional<String> authorization;
        boolean credentialsChecked = true;
        try {
            authorization = config.credentials().authorizationHeader();
        } catch (IllegalStateException secretNotHere) {
            authorization = Optional.empty();
            credentialsChecked = false;
            warn(
                    warnings,
                    "cannot check the Elasticsearch credentials before the start: "
                            + secretNotHere.getMessage()
                            + " in this process; the TaskManagers read the"
                            + " secret themselves. Checking TLS and reachability only.");
        }
        for (URI host : config.hosts()) {
            checkHost(config, host, authorization, credentialsChecked, warnings);
        }
        return warnings;
    }

    private static void checkHost(
            ElasticsearchSinkConfig config,
            URI host,
            Optional<String> authorization,
            boolean credentialsChecked,
            List<String> warnings)
            throws Refused {
        RestClient client;
        try {
            client = ElasticsearchConnection.restClient(config, List.of(host), authorization);
        } catch (IllegalStateException e) {
            // The CA file cannot be read or is not a certificate.
            throw new Refused("Elasticsearch " + host + ": " + e.getMessage(), e);
        }
        try {
            Response health = client.performRequest(new Request("GET", HEALTH));
            JsonNode answer = JSON.readTree(health.getEntity().getContent());
            LOG.info(
                    "Elasticsearch {} answers: cluster {}, status {}",
                    host,
                    answer.path("cluster_name").asText("?"),
                    answer.path("status").asText("?"));
        } catch (ResponseException e) {
            // Not try-with-resources: a 403 asks the same client a second question.
            onAnswer(client, host, e, credentialsChecked, warnings);
        } catch (IOException e) {
            onNoAnswer(config, host, e, warnings);
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                LOG.debug("Closing the start-up check's client for {}", host, e);
            }
        }
    }

    private static void onAnswer(
            RestClient client,
            URI host,
            ResponseException e,
            boolean credentialsChecked,
            List<String> warnings)
            throws Refused {
        int status = e.getResponse().getStatusLine().getStatusCode();
        String answer = status + " " + reason(e.getResponse());
        if (!credentialsChecked && (status == 401 || status == 403)) {
            warn(
                    warnings,
                    "Elasticsearch "
                            + host
                            + " answers ("
                            + answer
                            + ") and wants"
                            + " credentials, which could not be checked here");
        } else if (status == 401) {
            throw new Refused(
                    "Elasticsearch "
                            + host
                            + " refused the credentials ("
                            + answer
                            + "): check es.username with es.password-env/-file, or"
                            + " es.api-key-env/-file",
                    e);
        } else if (status == 403) {
            if (!authenticates(client)) {
                throw new Refused(
                        "Elasticsearch "
                                + host
                                + " refused the sink's user ("
                                + answer
                                + "): it authenticates but may do nothing; grant it the sink's"
                                + " privileges",
                        e);
            }
            warn(
                    warnings,
                    "Elasticsearch "
                            + host
                            + ": the sink's user may not read the cluster"
                            + " health ("
                            + answer
                            + "; the monitor privilege); it authenticates, so the"
                            + " check goes on");
        } else if (ItemOutcome.isRetryableStatus(status)) {
            warn(
                    warnings,
                    "Elasticsearch "
                            + host
                            + " is reachable but not ready ("
                            + answer
                            + "); the sink retries");
        } else {
            throw new Refused(
                    "Elasticsearch "
                            + host
                            + " answered GET "
                            + HEALTH
                            + " with "
                            + answer
                            + ": is this an Elasticsearch node, and is the URL's path prefix"
                            + " right?",
                    e);
        }
    }

    private static void onNoAnswer(
            ElasticsearchSinkConfig config, URI host, IOException e, List<String> warnings)
            throws Refused {
        if (RequestFailures.isTlsFailure(e)) {
            throw new Refused(
                    "TLS with Elasticsearch "
                            + host
                            + " failed: "
                            + tlsReason(e)
                            + " (check the host name in es.hosts and es.ca-certificate-file or"
                            + " es.ca-fingerprint)",
                    e);
        }
        String what =
                "Elasticsearch " + host + " cannot be reached: " + RequestFailures.describe(e);
        if (config.startupCheck() == ElasticsearchSinkConfig.StartupCheck.STRICT) {
            throw new Refused(
                    what
                            + " (es.startup-check: LENIENT starts anyway; the sink"
                            + " then buffers alerts until it answers)",
                    e);
        }
        warn(warnings, what + "; starting anyway (es.startup-check: LENIENT)");
    }

    /** {@code GET /_security/_authenticate} answered 2xx: the credentials are good. */
    private static boolean authenticates(RestClient client) {
        try {
            client.performRequest(new Request("GET", "/_security/_authenticate"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Elasticsearch's error reason, or the status line's, never more than a line. */
    private static String reason(Response response) {
        String text = response.getStatusLine().getReasonPhrase();
        try {
            if (response.getEntity() != null) {
                String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                JsonNode error = JSON.readTree(body).path("error");
                if (error.isObject()) {
                    text = error.path("type").asText() + ": " + error.path("reason").asText();
                }
            }
        } catch (IOException | RuntimeException notJson) {
            // An HTML page from a proxy: the status line says enough.
        }
        return text;
    }

    /** The innermost message, which names the certificate problem. */
    private static String tlsReason(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void warn(List<String> warnings, String warning) {
        LOG.warn(warning);
        warnings.add(warning);
    }
}
