package io.sshdnetcon.event;

import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.metrics.MetricGroup;

/** Creates a {@link DeadLetterPublisher} inside the task that needs it. */
@FunctionalInterface
public interface DeadLetterPublisherFactory extends Serializable {
    DeadLetterPublisher create() throws IOException;

    /**
     * As {@link #create()}, with the publisher's own metrics (a buffer's fill level, drops)
     * registered in {@code metrics}, the operator's group; publishers without metrics ignore it.
     */
    default DeadLetterPublisher create(MetricGroup metrics) throws IOException {
        return create();
    }
}
