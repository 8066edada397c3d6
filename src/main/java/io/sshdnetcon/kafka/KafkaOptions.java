package io.sshdnetcon.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka options of the streaming job. docs/configuration.md documents them in one table; {@link
 * KafkaConnectors} turns the validated {@link Settings} into sources, sinks and publishers.
 *
 * <p>Secrets never go into these options (they would show up in job arguments and the web UI):
 * {@link #PROPERTIES_FILE} names a file whose values may be Kafka config-provider placeholders.
 */
public final class KafkaOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka brokers, host:port[,host:port...]. Required.");

    public static final ConfigOption<List<String>> EVENTS_TOPICS =
            ConfigOptions.key("kafka.events-topics")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Topics of Elastic Defend ECS events, separated by ';'. Required.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("sshd-netcon-detector")
                    .withDescription(
                            "Consumer group of the events source. Offsets are committed on"
                                    + " checkpoints for monitoring and for 'committed' starts;"
                                    + " a restored job resumes from its own checkpoint.");

    public static final ConfigOption<String> STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where the events source starts without a checkpoint: "
                                    + StartingOffsets.FORMS
                                    + ". 'committed' falls back to earliest for partitions the"
                                    + " group has not committed.");

    public static final ConfigOption<String> EXCLUSIONS_TOPIC =
            ConfigOptions.key("kafka.exclusions-topic")
                    .stringType()
                    .defaultValue("sshd-netcon-exclusions")
                    .withDescription("Compacted control topic of exclusion sets.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            ConfigOptions.key("kafka.dead-letter-topic")
                    .stringType()
                    .defaultValue("sshd-netcon-dead-letters")
                    .withDescription(
                            "Where unusable records go, with Kafka Connect style error headers.");

    public static final ConfigOption<String> PROPERTIES_FILE =
            ConfigOptions.key("kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Properties file of extra client settings (security.protocol,"
                                    + " sasl.*, ssl.*). Values may be ${env:NAME} or"
                                    + " ${file:/path:key} with config.providers=env,file.");

    public static final ConfigOption<Duration> PARTITION_DISCOVERY_INTERVAL =
            ConfigOptions.key("kafka.partition-discovery-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How often the events source looks for new partitions of its"
                                    + " topics.");

    public static final ConfigOption<Boolean> STOP_AT_LATEST =
            ConfigOptions.key("kafka.stop-at-latest")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Stop once the events and exclusions topics are read up to the offsets"
                                    + " that were the latest at start-up (backfills, benchmarks)."
                                    + " The job then finishes and prints a summary.");

    public static final ConfigOption<Integer> DEAD_LETTER_MAX_PAYLOAD_BYTES =
            ConfigOptions.key("kafka.dead-letter-max-payload-bytes")
                    .intType()
                    .defaultValue(DeadLetterRecords.DEFAULT_MAX_PAYLOAD_BYTES)
                    .withDescription(
                            "Dead-letter payloads longer than this are cut (header"
                                    + " sshdnetcon.payload_original_bytes says so). Keep it below"
                                    + " the producer's max.request.size and the topic's"
                                    + " max.message.bytes.");

    public static final ConfigOption<Integer> DEAD_LETTER_BUFFER_MAX_RECORDS =
            ConfigOptions.key("kafka.dead-letter-buffer.max-records")
                    .intType()
                    .defaultValue(DeadLetterBuffer.Limits.DEFAULTS.maxRecords())
                    .withDescription(
                            "Dead letters each writer keeps while the dead-letter topic cannot take"
                                    + " them; beyond this (or max-bytes) new ones are dropped and"
                                    + " counted (dead_letters_dropped). Detection never waits.");

    public static final ConfigOption<MemorySize> DEAD_LETTER_BUFFER_MAX_BYTES =
            ConfigOptions.key("kafka.dead-letter-buffer.max-bytes")
                    .memoryType()
                    .defaultValue(new MemorySize(DeadLetterBuffer.Limits.DEFAULTS.maxBytes()))
                    .withDescription(
                            "Bytes of dead letters (payloads and messages) each writer keeps"
                                    + " while the dead-letter topic cannot take them.");

    public static final ConfigOption<Duration> DEAD_LETTER_BUFFER_FLUSH_TIMEOUT =
            ConfigOptions.key("kafka.dead-letter-buffer.flush-timeout")
                    .durationType()
                    .defaultValue(DeadLetterBuffer.Limits.DEFAULTS.flushTimeout())
                    .withDescription(
                            "Longest a flush waits for buffered dead letters to be acknowledged"
                                    + " (the Elasticsearch sink's checkpoint flush, the end of a"
                                    + " bounded run) before going on with them still buffered.");

    /** Kafka's legal topic names (kafka.common.internals.Topic). */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final Pattern HOST_PORT = Pattern.compile("\\S+:\\d{1,5}");

    private KafkaOptions() {}

    /**
     * Typed, validated view of the options.
     *
     * @param clientProperties settings from {@link #PROPERTIES_FILE}, possibly secret: print only
     *     through {@link ClientProperties#describe}
     */
    public record Settings(
            String bootstrapServers,
            List<String> eventsTopics,
            String groupId,
            StartingOffsets startingOffsets,
            String exclusionsTopic,
            String deadLetterTopic,
            Map<String, String> clientProperties,
            Duration partitionDiscoveryInterval,
            int deadLetterMaxPayloadBytes,
            DeadLetterBuffer.Limits deadLetterBuffer,
            boolean stopAtLatest) {

        public Settings {
            eventsTopics = List.copyOf(eventsTopics);
            clientProperties = Map.copyOf(clientProperties);
        }

        /** Everything a plain Kafka client needs: bootstrap servers plus the file's settings. */
        public Map<String, String> clientConfig() {
            Map<String, String> config = new TreeMap<>(clientProperties);
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return config;
        }

        /** Safe to log: the file's sensitive values are redacted. */
        @Override
        public String toString() {
            return "KafkaSettings{bootstrapServers="
                    + bootstrapServers
                    + ", eventsTopics="
                    + eventsTopics
                    + ", groupId="
                    + groupId
                    + ", startingOffsets="
                    + startingOffsets
                    + ", exclusionsTopic="
                    + exclusionsTopic
                    + ", deadLetterTopic="
                    + deadLetterTopic
                    + ", partitionDiscoveryInterval="
                    + partitionDiscoveryInterval
                    + ", deadLetterMaxPayloadBytes="
                    + deadLetterMaxPayloadBytes
                    + ", deadLetterBuffer="
                    + deadLetterBuffer
                    + ", stopAtLatest="
                    + stopAtLatest
                    + ", clientProperties="
                    + ClientProperties.describe(clientProperties)
                    + "}";
        }
    }

    /**
     * @throws IllegalArgumentException with a message naming the option, for any invalid value
     */
    public static Settings read(Configuration conf) {
        String bootstrap =
                bootstrapServers(required(conf, BOOTSTRAP_SERVERS), BOOTSTRAP_SERVERS.key());
        List<String> eventsTopics = conf.getOptional(EVENTS_TOPICS).orElse(List.of());
        if (eventsTopics.isEmpty()) {
            throw new IllegalArgumentException(EVENTS_TOPICS.key() + " is required");
        }
        Set<String> seen = new HashSet<>();
        for (String topic : eventsTopics) {
            topic(EVENTS_TOPICS.key(), topic);
            if (!seen.add(topic)) {
                throw new IllegalArgumentException(
                        EVENTS_TOPICS.key() + " lists '" + topic + "' twice");
            }
        }
        String groupId = conf.get(GROUP_ID).trim();
        if (groupId.isEmpty()) {
            throw new IllegalArgumentException(GROUP_ID.key() + " must not be empty");
        }
        StartingOffsets starting;
        try {
            starting = StartingOffsets.parse(conf.get(STARTING_OFFSETS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(STARTING_OFFSETS.key() + ": " + e.getMessage(), e);
        }
        String exclusions = topic(EXCLUSIONS_TOPIC.key(), conf.get(EXCLUSIONS_TOPIC));
        String deadLetters = topic(DEAD_LETTER_TOPIC.key(), conf.get(DEAD_LETTER_TOPIC));
        // Reading our own output, or reading control records as events, would loop or mislead.
        if (seen.contains(deadLetters) || seen.contains(exclusions)) {
            throw new IllegalArgumentException(
                    EVENTS_TOPICS.key()
                            + " must not contain the exclusions topic or the"
                            + " dead-letter topic");
        }
        if (deadLetters.equals(exclusions)) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_TOPIC.key()
                            + " and "
                            + EXCLUSIONS_TOPIC.key()
                            + " must be different topics");
        }
        Map<String, String> clientProperties =
                conf.getOptional(PROPERTIES_FILE)
                        .map(file -> ClientProperties.load(Path.of(file), PROPERTIES_FILE.key()))
                        .orElse(Map.of());
        Duration discovery = conf.get(PARTITION_DISCOVERY_INTERVAL);
        if (discovery.isNegative() || discovery.isZero()) {
            throw new IllegalArgumentException(
                    PARTITION_DISCOVERY_INTERVAL.key() + " must be positive");
        }
        int maxPayload = conf.get(DEAD_LETTER_MAX_PAYLOAD_BYTES);
        if (maxPayload < 1024) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_MAX_PAYLOAD_BYTES.key() + " must be at least 1024");
        }
        DeadLetterBuffer.Limits buffer = deadLetterBuffer(conf, maxPayload);
        return new Settings(
                bootstrap,
                eventsTopics,
                groupId,
                starting,
                exclusions,
                deadLetters,
                clientProperties,
                discovery,
                maxPayload,
                buffer,
                conf.get(STOP_AT_LATEST));
    }

    private static DeadLetterBuffer.Limits deadLetterBuffer(Configuration conf, int maxPayload) {
        int records = conf.get(DEAD_LETTER_BUFFER_MAX_RECORDS);
        if (records < 1) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_BUFFER_MAX_RECORDS.key() + " must be at least 1");
        }
        long bytes = conf.get(DEAD_LETTER_BUFFER_MAX_BYTES).getBytes();
        if (bytes < maxPayload) {
            // Otherwise a letter with a payload of the allowed size could never be kept.
            throw new IllegalArgumentException(
                    DEAD_LETTER_BUFFER_MAX_BYTES.key()
                            + " must be at least "
                            + DEAD_LETTER_MAX_PAYLOAD_BYTES.key()
                            + " ("
                            + maxPayload
                            + " bytes)");
        }
        Duration flush = conf.get(DEAD_LETTER_BUFFER_FLUSH_TIMEOUT);
        if (flush.isNegative() || flush.isZero()) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_BUFFER_FLUSH_TIMEOUT.key() + " must be positive");
        }
        return new DeadLetterBuffer.Limits(records, bytes, flush);
    }

    /** Checks the host:port list; returns it without blanks around the commas. */
    public static String bootstrapServers(String value, String name) {
        StringBuilder cleaned = new StringBuilder();
        for (String server : value.split(",")) {
            String s = server.trim();
            if (!HOST_PORT.matcher(s).matches()) {
                throw new IllegalArgumentException(name + ": '" + s + "' is not host:port");
            }
            int port = Integer.parseInt(s.substring(s.lastIndexOf(':') + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(name + ": port out of range in '" + s + "'");
            }
            cleaned.append(cleaned.length() == 0 ? "" : ",").append(s);
        }
        return cleaned.toString();
    }

    public static String topic(String option, String name) {
        Objects.requireNonNull(name, option);
        if (!TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(
                    option
                            + ": '"
                            + name
                            + "' is not a legal Kafka topic name"
                            + " (letters, digits, '.', '_', '-'; separate several topics with"
                            + " ';')");
        }
        return name;
    }

    private static String required(Configuration conf, ConfigOption<String> option) {
        String value = conf.getOptional(option).map(String::trim).orElse("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException(option.key() + " is required");
        }
        return value;
    }
}
