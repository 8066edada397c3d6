package io.sshdnetcon.kafka;

import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.ParserSettings;
import io.sshdnetcon.rule.ExclusionUpdate;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The job's Kafka sources and sinks, built from validated {@link KafkaOptions.Settings}:
 *
 * <pre>{@code
 * KafkaOptions.Settings kafka = KafkaOptions.read(conf);
 * KafkaConnectors.eventsSource(kafka, detector.parser());           // KafkaSource<ParsedRecord>
 * KafkaConnectors.exclusionsSource(kafka);                          // KafkaSource<ExclusionUpdate>
 * KafkaConnectors.deadLetterSink(kafka);                            // BufferedDeadLetterSink
 * KafkaConnectors.deadLetterPublisherFactory(kafka);                // for sink writers
 * ExclusionTopic.readLatestValid(kafka.clientConfig(), kafka.exclusionsTopic(), timeout);
 * }</pre>
 *
 * The builders are public too, so tests and tools can make a source bounded.
 */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    public static KafkaSource<ParsedRecord> eventsSource(
            KafkaOptions.Settings settings, ParserSettings parser) {
        KafkaSourceBuilder<ParsedRecord> builder = eventsSourceBuilder(settings, parser);
        if (settings.stopAtLatest()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Starts at {@link KafkaOptions.Settings#startingOffsets()} when there is no checkpoint, looks
     * for new partitions periodically, and commits offsets to the group on checkpoints (for lag
     * monitoring and 'committed' starts, never for recovery).
     */
    public static KafkaSourceBuilder<ParsedRecord> eventsSourceBuilder(
            KafkaOptions.Settings settings, ParserSettings parser) {
        return KafkaSource.<ParsedRecord>builder()
                .setProperties(clientProperties(settings))
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.eventsTopics())
                .setGroupId(settings.groupId())
                .setClientIdPrefix(settings.groupId() + "-events")
                .setStartingOffsets(settings.startingOffsets().initializer())
                .setDeserializer(new EcsEventDeserializer(parser))
                .setProperty(
                        KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()));
    }

    public static KafkaSource<ExclusionUpdate> exclusionsSource(KafkaOptions.Settings settings) {
        KafkaSourceBuilder<ExclusionUpdate> builder = exclusionsSourceBuilder(settings);
        if (settings.stopAtLatest()) {
            // A bounded job must not wait forever on its control stream.
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Always reads the control topic from the earliest offset, and commits nothing.
     *
     * <p>Why: the active set can be any record of the compacted topic, however old, so a fresh
     * start must read all of it; a committed group offset would only let a fresh start skip sets it
     * needs. A restored job needs no group offset either: the source resumes from the offsets in
     * its own checkpoint, and the active set comes back from broadcast state. Re-reading old sets
     * is harmless because a set only replaces one with a lower version. The group id only names the
     * consumers; with {@code assign()} there is no group membership.
     */
    public static KafkaSourceBuilder<ExclusionUpdate> exclusionsSourceBuilder(
            KafkaOptions.Settings settings) {
        return KafkaSource.<ExclusionUpdate>builder()
                .setProperties(clientProperties(settings))
                .setBootstrapServers(settings.bootstrapServers())
                .setTopics(settings.exclusionsTopic())
                .setGroupId(settings.groupId() + "-exclusions")
                .setClientIdPrefix(settings.groupId() + "-exclusions")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ExclusionUpdateDeserializer())
                .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "false")
                .setProperty(
                        KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key(),
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()));
    }

    /** Dead letters to {@link KafkaOptions.Settings#deadLetterTopic()}. */
    public static BufferedDeadLetterSink deadLetterSink(KafkaOptions.Settings settings) {
        return deadLetterSink(settings, settings.deadLetterTopic());
    }

    /**
     * Dead letters to {@code topic} (for example a separate topic for late events), at least once,
     * through a bounded buffer that never makes the job wait for the topic (see {@link
     * BufferedDeadLetterSink}). Exactly-once would need Kafka transactions for records whose
     * duplicates are harmless.
     */
    public static BufferedDeadLetterSink deadLetterSink(
            KafkaOptions.Settings settings, String topic) {
        return new BufferedDeadLetterSink(
                settings.clientConfig(),
                new DeadLetterRecords(topic, settings.deadLetterMaxPayloadBytes()),
                settings.deadLetterBuffer());
    }

    /**
     * For a sink writer that must dead-letter from inside (see {@link KafkaDeadLetterPublisher}).
     */
    public static KafkaDeadLetterPublisherFactory deadLetterPublisherFactory(
            KafkaOptions.Settings settings) {
        return KafkaDeadLetterPublisherFactory.of(settings);
    }

    private static Properties clientProperties(KafkaOptions.Settings settings) {
        Map<String, String> file = settings.clientProperties();
        return ClientProperties.toProperties(file);
    }
}
