package io.sshdnetcon.sink;

import java.io.Serializable;

/** Creates a {@link DeadLetterPublisher} inside the task that needs it. */
@FunctionalInterface
public interface DeadLetterPublisherFactory extends Serializable {
    DeadLetterPublisher create() throws java.io.IOException;
}
