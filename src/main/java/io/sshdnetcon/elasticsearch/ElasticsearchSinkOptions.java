package io.sshdnetcon.elasticsearch;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * The {@code es.*} options of the Elasticsearch alert sink, read into an {@link
 * ElasticsearchSinkConfig}. Secrets are named by environment variable or file only; an option that
 * would carry one literally ({@code es.password}, {@code es.api-key}) is refused.
 */
public final class ElasticsearchSinkOptions {

    public static final ConfigOption<String> HOSTS =
            ConfigOptions.key("es.hosts")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated node URLs, all http:// or all https://, e.g."
                                    + " https://es1:9200,https://es2:9200.");

    public static final ConfigOption<String> DATASET =
            ConfigOptions.key("es.dataset")
                    .stringType()
                    .defaultValue(ElasticsearchSinkConfig.DEFAULT_DATASET)
                    .withDescription("Dataset of the data stream logs-<dataset>-<namespace>.");

    public static final ConfigOption<String> NAMESPACE =
            ConfigOptions.key("es.namespace")
                    .stringType()
                    .defaultValue(ElasticsearchSinkConfig.DEFAULT_NAMESPACE)
                    .withDescription("Namespace of the data stream logs-<dataset>-<namespace>.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("es.api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Environment variable holding the encoded API key.");

    public static final ConfigOption<String> API_KEY_FILE =
            ConfigOptions.key("es.api-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("File holding the encoded API key.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("es.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User for basic authentication.");

    public static final ConfigOption<String> PASSWORD_ENV =
            ConfigOptions.key("es.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Environment variable holding the basic-auth password.");

    public static final ConfigOption<String> PASSWORD_FILE =
            ConfigOptions.key("es.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("File holding the basic-auth password.");

    public static final ConfigOption<String> CA_CERTIFICATE_FILE =
            ConfigOptions.key("es.ca-certificate-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PEM file of the CA that signed the nodes' certificates.");

    public static final ConfigOption<String> CA_FINGERPRINT =
            ConfigOptions.key("es.ca-fingerprint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("SHA-256 fingerprint of the CA certificate (hex).");

    public static final ConfigOption<Boolean> ALLOW_CREDENTIALS_OVER_HTTP =
            ConfigOptions.key("es.allow-credentials-over-http")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Allow credentials with http:// hosts, where they travel in clear"
                                    + " text; only for a trusted path such as the same host.");

    public static final ConfigOption<ElasticsearchSinkConfig.StartupCheck> STARTUP_CHECK =
            ConfigOptions.key("es.startup-check")
                    .enumType(ElasticsearchSinkConfig.StartupCheck.class)
                    .defaultValue(ElasticsearchSinkConfig.StartupCheck.STRICT)
                    .withDescription(
                            "Before the streaming job starts, ask every host once with the sink's"
                                    + " TLS settings and credentials. STRICT: every host must"
                                    + " answer; LENIENT: an unreachable host is only a warning;"
                                    + " OFF: no check. A TLS failure, 401 or 403 stops the start"
                                    + " unless OFF.");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("es.batch.max-size")
                    .intType()
                    .defaultValue(ElasticsearchSinkConfig.Batching.DEFAULTS.maxBatchSize())
                    .withDescription("Alerts per bulk request.");

    public static final ConfigOption<MemorySize> MAX_BATCH_BYTES =
            ConfigOptions.key("es.batch.max-bytes")
                    .memoryType()
                    .defaultValue(
                            new MemorySize(
                                    ElasticsearchSinkConfig.Batching.DEFAULTS.maxBatchBytes()))
                    .withDescription("Bytes per bulk request; at least es.max-record-bytes.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
            ConfigOptions.key("es.batch.max-in-flight-requests")
                    .intType()
                    .defaultValue(ElasticsearchSinkConfig.Batching.DEFAULTS.maxInFlightRequests())
                    .withDescription("Bulk requests under way at once, per sink subtask.");

    public static final ConfigOption<Integer> MAX_BUFFERED_REQUESTS =
            ConfigOptions.key("es.batch.max-buffered-requests")
                    .intType()
                    .defaultValue(ElasticsearchSinkConfig.Batching.DEFAULTS.maxBufferedRequests())
                    .withDescription(
                            "Alerts buffered per subtask before the sink applies back pressure.");

    public static final ConfigOption<MemorySize> MAX_BUFFERED_BYTES =
            ConfigOptions.key("es.batch.max-buffered-bytes")
                    .memoryType()
                    .defaultValue(
                            new MemorySize(
                                    ElasticsearchSinkConfig.Batching.DEFAULT_MAX_BUFFERED_BYTES))
                    .withDescription(
                            "Bytes of alerts buffered per subtask before the sink applies back"
                                    + " pressure; at least es.max-record-bytes.");

    public static final ConfigOption<Duration> MAX_TIME_IN_BUFFER =
            ConfigOptions.key("es.batch.max-time-in-buffer")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Batching.DEFAULTS.maxTimeInBuffer())
                    .withDescription("Longest an alert waits for its batch to fill.");

    public static final ConfigOption<MemorySize> MAX_RECORD_BYTES =
            ConfigOptions.key("es.max-record-bytes")
                    .memoryType()
                    .defaultValue(
                            new MemorySize(
                                    ElasticsearchSinkConfig.Batching.DEFAULTS.maxRecordBytes()))
                    .withDescription("Larger alerts are dead-lettered (record_too_large).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("es.connect-timeout")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Timeouts.DEFAULTS.connect())
                    .withDescription("Time to open a connection to a node.");

    public static final ConfigOption<Duration> SOCKET_TIMEOUT =
            ConfigOptions.key("es.socket-timeout")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Timeouts.DEFAULTS.socket())
                    .withDescription("Time to wait for response bytes.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("es.request-timeout")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Timeouts.DEFAULTS.request())
                    .withDescription(
                            "Flink's limit for one bulk request including its backoff; longer"
                                    + " than es.socket-timeout + es.retry.max-backoff, shorter than"
                                    + " the checkpoint timeout.");

    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
            ConfigOptions.key("es.retry.initial-backoff")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Backoff.DEFAULTS.initial())
                    .withDescription("First retry delay; it doubles per failure, with jitter.");

    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
            ConfigOptions.key("es.retry.max-backoff")
                    .durationType()
                    .defaultValue(ElasticsearchSinkConfig.Backoff.DEFAULTS.max())
                    .withDescription("Longest retry delay.");

    public static final ConfigOption<Boolean> TEMPLATE_INSTALL =
            ConfigOptions.key("es.template.install")
                    .booleanType()
                    .defaultValue(ElasticsearchSinkConfig.TemplateSettings.DEFAULTS.install())
                    .withDescription(
                            "Install the data stream's index template when the sink starts.");

    public static final ConfigOption<Integer> TEMPLATE_REPLICAS =
            ConfigOptions.key("es.template.replicas")
                    .intType()
                    .defaultValue(ElasticsearchSinkConfig.TemplateSettings.DEFAULTS.replicas())
                    .withDescription("number_of_replicas of the backing indices (0 on one node).");

    public static final ConfigOption<Integer> TEMPLATE_PRIORITY =
            ConfigOptions.key("es.template.priority")
                    .intType()
                    .defaultValue(ElasticsearchSinkConfig.TemplateSettings.DEFAULTS.priority())
                    .withDescription("Template priority, above the built-in logs-*-* (100).");

    /** Keys that would put a secret on a command line or in a config file. */
    static final Set<String> LITERAL_SECRET_KEYS =
            Set.of("es.password", "es.api-key", "es.apikey", "es.api_key");

    private ElasticsearchSinkOptions() {}

    /**
     * @throws IllegalArgumentException naming the option, for a missing or invalid value
     */
    public static ElasticsearchSinkConfig read(Configuration conf) {
        for (String key : LITERAL_SECRET_KEYS) {
            if (conf.containsKey(key)) {
                throw new IllegalArgumentException(
                        key
                                + " is not accepted: secrets must not appear in arguments or"
                                + " configuration; name an environment variable or a file with "
                                + API_KEY_ENV.key()
                                + ", "
                                + API_KEY_FILE.key()
                                + ", "
                                + PASSWORD_ENV.key()
                                + " or "
                                + PASSWORD_FILE.key());
            }
        }
        String hosts =
                conf.getOptional(HOSTS)
                        .orElseThrow(
                                () -> new IllegalArgumentException(HOSTS.key() + " is required"));
        try {
            return ElasticsearchSinkConfig.builder()
                    .hosts(splitHosts(hosts))
                    .dataset(conf.get(DATASET))
                    .namespace(conf.get(NAMESPACE))
                    .credentials(credentials(conf))
                    .trust(
                            new TrustSettings(
                                    conf.get(CA_CERTIFICATE_FILE), conf.get(CA_FINGERPRINT)))
                    .batching(
                            new ElasticsearchSinkConfig.Batching(
                                    conf.get(MAX_BATCH_SIZE),
                                    conf.get(MAX_BATCH_BYTES).getBytes(),
                                    conf.get(MAX_IN_FLIGHT_REQUESTS),
                                    conf.get(MAX_BUFFERED_REQUESTS),
                                    conf.get(MAX_TIME_IN_BUFFER),
                                    conf.get(MAX_RECORD_BYTES).getBytes(),
                                    conf.get(MAX_BUFFERED_BYTES).getBytes()))
                    .timeouts(
                            new ElasticsearchSinkConfig.Timeouts(
                                    conf.get(CONNECT_TIMEOUT),
                                    conf.get(SOCKET_TIMEOUT),
                                    conf.get(REQUEST_TIMEOUT)))
                    .retryBackoff(
                            new ElasticsearchSinkConfig.Backoff(
                                    conf.get(RETRY_INITIAL_BACKOFF), conf.get(RETRY_MAX_BACKOFF)))
                    .template(
                            new ElasticsearchSinkConfig.TemplateSettings(
                                    conf.get(TEMPLATE_INSTALL),
                                    conf.get(TEMPLATE_REPLICAS),
                                    conf.get(TEMPLATE_PRIORITY)))
                    .allowCredentialsOverHttp(conf.get(ALLOW_CREDENTIALS_OVER_HTTP))
                    .startupCheck(conf.get(STARTUP_CHECK))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid Elasticsearch sink options (es.*): " + e.getMessage(), e);
        }
    }

    private static List<String> splitHosts(String hosts) {
        return Arrays.stream(hosts.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static Credentials credentials(Configuration conf) {
        Optional<SecretRef> apiKey = secret(conf, API_KEY_ENV, API_KEY_FILE);
        Optional<String> username = conf.getOptional(USERNAME);
        Optional<SecretRef> password = secret(conf, PASSWORD_ENV, PASSWORD_FILE);
        if (apiKey.isPresent() && (username.isPresent() || password.isPresent())) {
            throw new IllegalArgumentException(
                    "use an API key or a user name and password, not both");
        }
        if (apiKey.isPresent()) {
            return Credentials.apiKey(apiKey.get());
        }
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException(
                    USERNAME.key()
                            + " needs "
                            + PASSWORD_ENV.key()
                            + " or "
                            + PASSWORD_FILE.key()
                            + ", and they need a user name");
        }
        return username.isPresent()
                ? Credentials.basic(username.get(), password.get())
                : Credentials.NONE;
    }

    private static Optional<SecretRef> secret(
            Configuration conf, ConfigOption<String> env, ConfigOption<String> file) {
        Optional<String> variable = conf.getOptional(env);
        Optional<String> path = conf.getOptional(file);
        if (variable.isPresent() && path.isPresent()) {
            throw new IllegalArgumentException(
                    "set " + env.key() + " or " + file.key() + ", not both");
        }
        if (variable.isPresent()) {
            return Optional.of(SecretRef.environmentVariable(variable.get()));
        }
        return path.map(SecretRef::file);
    }
}
