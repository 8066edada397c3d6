package io.sshdnetcon.kafka;

import io.sshdnetcon.sink.DeadLetterPublisher;
import io.sshdnetcon.sink.DeadLetterPublisherFactory;
import java.util.Map;

/**
 * Travels with the job graph and creates a {@link KafkaDeadLetterPublisher} in the task. It holds
 * client settings, so with secrets in them use config-provider placeholders; the placeholders,
 * not the secrets, are then what is serialized.
 */
public record KafkaDeadLetterPublisherFactory(
        Map<String, String> clientConfig, DeadLetterRecords records)
        implements DeadLetterPublisherFactory {

    private static final long serialVersionUID = 1L;

    public KafkaDeadLetterPublisherFactory {
        clientConfig = Map.copyOf(clientConfig);
    }

    public static KafkaDeadLetterPublisherFactory of(KafkaOptions.Settings settings) {
        return new KafkaDeadLetterPublisherFactory(
                settings.clientConfig(),
                new DeadLetterRecords(
                        settings.deadLetterTopic(), settings.deadLetterMaxPayloadBytes()));
    }

    @Override
    public DeadLetterPublisher create() {
        return new KafkaDeadLetterPublisher(clientConfig, records);
    }

    @Override
    public String toString() {
        return "KafkaDeadLetterPublisherFactory{" + records + ", "
                + ClientProperties.describe(clientConfig) + "}";
    }
}
