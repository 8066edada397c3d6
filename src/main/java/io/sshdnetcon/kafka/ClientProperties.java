package io.sshdnetcon.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Extra Kafka client settings from a properties file (security, tuning), shared by every client the
 * job and the tools create.
 *
 * <p>Secrets should not be written into the file itself: Kafka's config providers resolve {@code
 * ${env:NAME}} and {@code ${file:/path:key}} inside each client, so only the placeholder travels in
 * the job graph and appears in logs (see <a
 * href="https://kafka.apache.org/documentation/#config_providers">Kafka config providers</a>). For
 * the three providers that ship with kafka-clients the alias is enough ({@code
 * config.providers=env,file}); the class is filled in here.
 */
public final class ClientProperties {

    /** What {@link #redact} shows instead of a sensitive value. */
    public static final String REDACTED = "[redacted]";

    /** Key fragments that mark a value as sensitive (matched case-insensitively). */
    private static final List<String> SENSITIVE_KEY_PARTS =
            List.of("password", "secret", "jaas", "key", "token", "credential");

    /**
     * Set from typed options or by the connectors themselves; a second source of truth in the file
     * would make it unclear which one is used.
     */
    private static final List<String> MANAGED_KEYS =
            List.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private static final Map<String, String> BUILT_IN_PROVIDERS =
            Map.of(
                    "env", EnvVarConfigProvider.class.getName(),
                    "file", FileConfigProvider.class.getName(),
                    "dir", DirectoryConfigProvider.class.getName(),
                    "directory", DirectoryConfigProvider.class.getName());

    private ClientProperties() {}

    /**
     * Reads a properties file (ISO-8859-1 escapes as in {@link Properties#load(Reader)}, but read
     * as UTF-8), rejects keys that typed options own, and completes built-in config providers.
     *
     * @param owner how errors name the setting that pointed at the file
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Map<String, String> load(Path file, String owner) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    owner + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name.trim(), properties.getProperty(name).trim());
        }
        for (String managed : MANAGED_KEYS) {
            if (values.containsKey(managed)) {
                throw new IllegalArgumentException(
                        owner
                                + ": "
                                + file
                                + " must not set '"
                                + managed
                                + "'; it comes from the job's own options");
            }
        }
        return withBuiltInProviders(values);
    }

    /**
     * Adds {@code config.providers.<alias>.class} for the aliases {@code env}, {@code file} and
     * {@code dir}/{@code directory} when the file names them without a class.
     */
    static Map<String, String> withBuiltInProviders(Map<String, String> values) {
        String aliases = values.get(AbstractConfig.CONFIG_PROVIDERS_CONFIG);
        if (aliases == null || aliases.isBlank()) {
            return values;
        }
        Map<String, String> completed = new TreeMap<>(values);
        for (String alias : aliases.split(",")) {
            String name = alias.trim();
            String classKey = AbstractConfig.CONFIG_PROVIDERS_CONFIG + "." + name + ".class";
            if (!name.isEmpty() && !completed.containsKey(classKey)) {
                String builtIn = BUILT_IN_PROVIDERS.get(name);
                if (builtIn == null) {
                    throw new IllegalArgumentException(
                            "config provider '"
                                    + name
                                    + "' needs '"
                                    + classKey
                                    + "'; only env, file and dir are known by alias");
                }
                completed.put(classKey, builtIn);
            }
        }
        return completed;
    }

    /** True for keys whose values must never be printed. */
    public static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SENSITIVE_KEY_PARTS.stream().anyMatch(lower::contains);
    }

    /**
     * A printable copy: sorted, with the values of sensitive keys replaced by {@link #REDACTED}.
     */
    public static Map<String, String> redact(Map<String, ?> values) {
        Map<String, String> shown = new TreeMap<>();
        values.forEach(
                (key, value) ->
                        shown.put(key, isSensitive(key) ? REDACTED : String.valueOf(value)));
        return shown;
    }

    /**
     * {@code key=value, ...} with sensitive values redacted; the one way to log client settings.
     */
    public static String describe(Map<String, ?> values) {
        return redact(values).toString();
    }

    /** Properties for a client, because some Kafka and Flink APIs take only that type. */
    public static Properties toProperties(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        return properties;
    }

    /**
     * Byte-array producer settings that never lose or duplicate an acknowledged record: all in-sync
     * replicas acknowledge, and retries are idempotent. These win over the file.
     */
    public static Map<String, Object> durableProducer(Map<String, String> clientConfig) {
        Map<String, Object> config = forClient(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return config;
    }

    /** A mutable copy typed for the Kafka client constructors. */
    public static Map<String, Object> forClient(Map<String, String> values) {
        return new HashMap<>(values);
    }
}
