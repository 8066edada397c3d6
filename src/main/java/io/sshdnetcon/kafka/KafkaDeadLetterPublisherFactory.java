package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetterPublisher;
import io.sshdnetcon.event.DeadLetterPublisherFactory;
import io.sshdnetcon.metrics.JobCounter;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * Travels with the job graph and creates a {@link KafkaDeadLetterPublisher} in the task. It holds
 * client settings, so with secrets in them use config-provider placeholders; the placeholders, not
 * the secrets, are then what is serialized.
 */
public record KafkaDeadLetterPublisherFactory(
        Map<String, String> clientConfig, DeadLetterRecords records, DeadLetterBuffer.Limits limits)
        implements DeadLetterPublisherFactory {

    private static final long serialVersionUID = 2L;

    public KafkaDeadLetterPublisherFactory {
        clientConfig = Map.copyOf(clientConfig);
    }

    public static KafkaDeadLetterPublisherFactory of(KafkaOptions.Settings settings) {
        return new KafkaDeadLetterPublisherFactory(
                settings.clientConfig(),
                new DeadLetterRecords(
                        settings.deadLetterTopic(), settings.deadLetterMaxPayloadBytes()),
                settings.deadLetterBuffer());
    }

    @Override
    public KafkaDeadLetterPublisher create() {
        return new KafkaDeadLetterPublisher(
                clientConfig, records, limits, "dead letters to " + records.topic());
    }

    @Override
    public DeadLetterPublisher create(MetricGroup metrics) {
        KafkaDeadLetterPublisher publisher = create();
        publisher.registerMetrics(metrics.addGroup(JobCounter.GROUP));
        return publisher;
    }

    @Override
    public String toString() {
        return "KafkaDeadLetterPublisherFactory{"
                + records
                + ", "
                + limits
                + ", "
                + ClientProperties.describe(clientConfig)
                + "}";
    }
}
