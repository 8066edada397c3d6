package io.sshdnetcon.elasticsearch;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the Elasticsearch alert sink needs, validated when built. Secrets are referenced
 * ({@link SecretRef}), never held, so this record is safe to serialize into the job graph and to
 * print.
 *
 * @param hosts one or more nodes, all {@code http} or all {@code https}, with the same path prefix
 * @param dataset the data stream's dataset ({@code logs-<dataset>-<namespace>})
 * @param namespace the data stream's namespace
 * @param credentials API key, basic auth, or none
 * @param trust which certificates to trust over https
 * @param batching buffering and batching knobs of Flink's async sink
 * @param timeouts connect, socket and whole-request timeouts
 * @param retryBackoff delays between retries of requests Elasticsearch could not take
 * @param template the index template the sink installs for its data stream
 * @param allowCredentialsOverHttp send credentials over plain {@code http://} (refused otherwise)
 * @param startupCheck what the streaming job checks before it starts ({@link
 *     ElasticsearchStartupCheck})
 */
public record ElasticsearchSinkConfig(
        List<URI> hosts,
        String dataset,
        String namespace,
        Credentials credentials,
        TrustSettings trust,
        Batching batching,
        Timeouts timeouts,
        Backoff retryBackoff,
        TemplateSettings template,
        boolean allowCredentialsOverHttp,
        StartupCheck startupCheck)
        implements Serializable {

    public static final String DEFAULT_DATASET = "sshdnetcon.alerts";
    public static final String DEFAULT_NAMESPACE = "default";

    /**
     * Data stream naming scheme (ECS {@code data_stream.*}): dataset and namespace are lowercase,
     * contain no {@code -} (it separates the parts) and at most 100 characters. We also keep to
     * letters, digits, {@code .} and {@code _}, which every index-name rule allows.
     */
    private static final Pattern NAME_PART = Pattern.compile("[a-z0-9][a-z0-9._]{0,99}");

    public ElasticsearchSinkConfig {
        hosts = validateHosts(hosts);
        validateNamePart("dataset", dataset);
        validateNamePart("namespace", namespace);
        Objects.requireNonNull(credentials, "credentials (use Credentials.NONE for none)");
        Objects.requireNonNull(trust, "trust (use TrustSettings.JVM_DEFAULT)");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(startupCheck, "startupCheck");
        boolean https = "https".equalsIgnoreCase(hosts.get(0).getScheme());
        if (!trust.isJvmDefault() && !https) {
            throw new IllegalArgumentException(
                    "a CA certificate or fingerprint needs https hosts, not " + hosts);
        }
        if (!https && !(credentials instanceof Credentials.None) && !allowCredentialsOverHttp) {
            // The Authorization header is sent with every request (preemptively): over http,
            // anyone on the path reads the password or API key.
            throw new IllegalArgumentException(
                    "credentials would be sent in clear text to "
                            + hosts
                            + ": use https:// hosts, or set es.allow-credentials-over-http: true"
                            + " if the path to Elasticsearch is trusted (e.g. the same host)");
        }
        if (timeouts.request().compareTo(timeouts.socket().plus(retryBackoff.max())) <= 0) {
            // Flink re-sends a request whose time is up at once, skipping our backoff; leave room
            // for one slow answer plus the longest backoff.
            throw new IllegalArgumentException(
                    "the request timeout ("
                            + timeouts.request()
                            + ") must be longer than the socket timeout plus the maximum retry"
                            + " backoff ("
                            + timeouts.socket().plus(retryBackoff.max())
                            + ")");
        }
    }

    /** {@code logs-<dataset>-<namespace>}. */
    public String dataStream() {
        return "logs-" + dataset + "-" + namespace;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Flink async-sink knobs. The defaults suit alerts: few, small, and wanted quickly.
     *
     * @param maxBatchSize documents per bulk request
     * @param maxBatchBytes bytes per bulk request
     * @param maxInFlightRequests bulk requests under way at once (per sink subtask)
     * @param maxBufferedRequests documents buffered before {@code write} blocks (back pressure)
     * @param maxTimeInBuffer longest a document waits for its batch to fill
     * @param maxRecordBytes larger alerts are dead-lettered instead of sent
     * @param maxBufferedBytes bytes buffered before {@code write} blocks (back pressure); at least
     *     {@code maxRecordBytes}. With the requests under way, a sink subtask holds at most {@code
     *     maxBufferedBytes + maxInFlightRequests * maxBatchBytes} of alerts, and its checkpointed
     *     state at most {@code maxBufferedBytes}
     */
    public record Batching(
            int maxBatchSize,
            long maxBatchBytes,
            int maxInFlightRequests,
            int maxBufferedRequests,
            Duration maxTimeInBuffer,
            long maxRecordBytes,
            long maxBufferedBytes)
            implements Serializable {

        /**
         * 32 MiB: about 10,000 typical alerts (3 KB), so the count bound rules in normal operation,
         * and three of the largest alerts (10 MiB). With two requests of 10 MiB under way, a
         * subtask holds at most 52 MiB of alerts, which a TaskManager slot's heap affords.
         */
        public static final long DEFAULT_MAX_BUFFERED_BYTES = 32L << 20;

        /**
         * An alert holds its two raw events (each up to the parser's 4 MiB by default), so a record
         * may be larger than usual; 10 MiB stays far below Elasticsearch's 100 MB request limit.
         */
        public static final Batching DEFAULTS =
                new Batching(
                        500,
                        10L << 20,
                        2,
                        10_000,
                        Duration.ofMillis(200),
                        10L << 20,
                        DEFAULT_MAX_BUFFERED_BYTES);

        /** With the default byte bound, or {@code maxRecordBytes} if that is larger. */
        public Batching(
                int maxBatchSize,
                long maxBatchBytes,
                int maxInFlightRequests,
                int maxBufferedRequests,
                Duration maxTimeInBuffer,
                long maxRecordBytes) {
            this(
                    maxBatchSize,
                    maxBatchBytes,
                    maxInFlightRequests,
                    maxBufferedRequests,
                    maxTimeInBuffer,
                    maxRecordBytes,
                    Math.max(DEFAULT_MAX_BUFFERED_BYTES, maxRecordBytes));
        }

        public Batching {
            positive("maxBatchSize", maxBatchSize);
            positive("maxBatchBytes", maxBatchBytes);
            positive("maxInFlightRequests", maxInFlightRequests);
            positive("maxRecordBytes", maxRecordBytes);
            positive("maxTimeInBuffer", maxTimeInBuffer);
            if (maxBufferedRequests <= maxBatchSize) {
                throw new IllegalArgumentException(
                        "maxBufferedRequests ("
                                + maxBufferedRequests
                                + ") must be greater than maxBatchSize ("
                                + maxBatchSize
                                + ")");
            }
            if (maxBatchBytes < maxRecordBytes) {
                throw new IllegalArgumentException(
                        "maxBatchBytes ("
                                + maxBatchBytes
                                + ") must be at least maxRecordBytes ("
                                + maxRecordBytes
                                + ")");
            }
            if (maxBufferedBytes < maxRecordBytes) {
                // Otherwise the largest alert could never enter the buffer, or would overflow it.
                throw new IllegalArgumentException(
                        "maxBufferedBytes ("
                                + maxBufferedBytes
                                + ") must be at least maxRecordBytes ("
                                + maxRecordBytes
                                + ")");
            }
        }
    }

    /**
     * How strict the streaming job's start-up check is ({@link ElasticsearchStartupCheck}). A
     * refusal by a node (TLS, 401, 403, an answer that is not Elasticsearch's) stops the start in
     * both checking modes; they differ on nodes that cannot be reached.
     */
    public enum StartupCheck {
        /** Every host must answer. */
        STRICT,
        /** A host that cannot be reached is a warning; the sink retries it. */
        LENIENT,
        /** No check (the submitting machine cannot reach Elasticsearch). */
        OFF
    }

    /**
     * @param connect to open a connection
     * @param socket to wait for response bytes; shorter than {@code request} so the client gives up
     *     first and the failure is classified here
     * @param request Flink's limit for one bulk request, retries included; it also bounds how long
     *     an outage holds a checkpoint
     */
    public record Timeouts(Duration connect, Duration socket, Duration request)
            implements Serializable {

        public static final Timeouts DEFAULTS =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));

        public Timeouts {
            positive("connect timeout", connect);
            positive("socket timeout", socket);
            positive("request timeout", request);
        }
    }

    /** Exponential backoff with jitter: {@code initial}, doubling up to {@code max}. */
    public record Backoff(Duration initial, Duration max) implements Serializable {

        public static final Backoff DEFAULTS =
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

        public Backoff {
            positive("initial retry backoff", initial);
            positive("maximum retry backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "the maximum retry backoff ("
                                + max
                                + ") is below the initial one ("
                                + initial
                                + ")");
            }
        }
    }

    /**
     * @param install put the template when a writer starts; turn off only where an administrator
     *     installs it (the sink then needs no template privilege)
     * @param replicas {@code number_of_replicas} of the backing indices (0 on a single node)
     * @param priority above 100, the priority of Elasticsearch's built-in {@code logs-*-*} template
     */
    public record TemplateSettings(boolean install, int replicas, int priority)
            implements Serializable {

        public static final int BUILT_IN_LOGS_PRIORITY = 100;
        public static final TemplateSettings DEFAULTS = new TemplateSettings(true, 1, 200);

        public TemplateSettings {
            if (replicas < 0) {
                throw new IllegalArgumentException("template replicas must not be negative");
            }
            if (priority <= BUILT_IN_LOGS_PRIORITY) {
                throw new IllegalArgumentException(
                        "template priority "
                                + priority
                                + " must be above "
                                + BUILT_IN_LOGS_PRIORITY
                                + ", the priority of Elasticsearch's built-in logs-*-* template");
            }
        }
    }

    /** Starts from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private final List<URI> hosts = new ArrayList<>();
        private String dataset = DEFAULT_DATASET;
        private String namespace = DEFAULT_NAMESPACE;
        private Credentials credentials = Credentials.NONE;
        private TrustSettings trust = TrustSettings.JVM_DEFAULT;
        private Batching batching = Batching.DEFAULTS;
        private Timeouts timeouts = Timeouts.DEFAULTS;
        private Backoff retryBackoff = Backoff.DEFAULTS;
        private TemplateSettings template = TemplateSettings.DEFAULTS;
        private boolean allowCredentialsOverHttp;
        private StartupCheck startupCheck = StartupCheck.STRICT;

        private Builder() {}

        /** Adds a node URL such as {@code https://es1.example.com:9200}. */
        public Builder host(String url) {
            try {
                hosts.add(URI.create(url.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a URL: " + url, e);
            }
            return this;
        }

        public Builder hosts(List<String> urls) {
            urls.forEach(this::host);
            return this;
        }

        public Builder dataset(String dataset) {
            this.dataset = dataset;
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder trust(TrustSettings trust) {
            this.trust = trust;
            return this;
        }

        public Builder batching(Batching batching) {
            this.batching = batching;
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder retryBackoff(Backoff retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder template(TemplateSettings template) {
            this.template = template;
            return this;
        }

        /** Send credentials over plain http (a node on the same host); refused otherwise. */
        public Builder allowCredentialsOverHttp(boolean allow) {
            this.allowCredentialsOverHttp = allow;
            return this;
        }

        public Builder startupCheck(StartupCheck startupCheck) {
            this.startupCheck = startupCheck;
            return this;
        }

        public ElasticsearchSinkConfig build() {
            return new ElasticsearchSinkConfig(
                    hosts,
                    dataset,
                    namespace,
                    credentials,
                    trust,
                    batching,
                    timeouts,
                    retryBackoff,
                    template,
                    allowCredentialsOverHttp,
                    startupCheck);
        }
    }

    private static List<URI> validateHosts(List<URI> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one Elasticsearch host URL is needed");
        }
        String scheme = null;
        String pathPrefix = null;
        for (URI host : hosts) {
            String s = host.getScheme() == null ? null : host.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(s) && !"https".equals(s)) {
                throw new IllegalArgumentException(
                        "an Elasticsearch host must be an http:// or https:// URL: " + host);
            }
            if (host.getHost() == null) {
                throw new IllegalArgumentException("no host name in " + host);
            }
            if (host.getRawUserInfo() != null) {
                // Never print the URL here: the user info may hold a password.
                throw new IllegalArgumentException(
                        "an Elasticsearch host URL must not contain credentials; use an API key or"
                                + " a password from an environment variable or a file");
            }
            if (host.getRawQuery() != null || host.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "an Elasticsearch host URL takes no query or fragment: " + host);
            }
            if (scheme != null && !scheme.equals(s)) {
                throw new IllegalArgumentException(
                        "all Elasticsearch hosts must use the same scheme: " + hosts);
            }
            String prefix = pathPrefix(host);
            if (pathPrefix != null && !pathPrefix.equals(prefix)) {
                throw new IllegalArgumentException(
                        "all Elasticsearch hosts must have the same path prefix: " + hosts);
            }
            scheme = s;
            pathPrefix = prefix;
        }
        return List.copyOf(hosts);
    }

    /** The URL path without trailing slashes ("" for none). */
    static String pathPrefix(URI host) {
        String path = host.getRawPath() == null ? "" : host.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static void validateNamePart(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the data stream " + what + " must not be empty");
        }
        if (value.indexOf('-') >= 0) {
            throw new IllegalArgumentException(
                    "the data stream "
                            + what
                            + " '"
                            + value
                            + "' must not contain '-' (it separates type, dataset and namespace)");
        }
        if (!value.equals(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "the data stream " + what + " '" + value + "' must be lowercase");
        }
        if (value.length() > 100) {
            throw new IllegalArgumentException(
                    "the data stream " + what + " must be at most 100 characters");
        }
        if (!NAME_PART.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "the data stream "
                            + what
                            + " '"
                            + value
                            + "' may hold only a-z, 0-9, '.' and '_', and must start with a letter"
                            + " or digit");
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }

    private static void positive(String what, Duration value) {
        // Flink and the HTTP client count in whole milliseconds.
        if (value == null || value.isNegative() || value.toMillis() < 1) {
            throw new IllegalArgumentException(
                    what + " must be at least one millisecond, not " + value);
        }
    }
}
