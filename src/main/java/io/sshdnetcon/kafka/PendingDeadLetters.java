package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import java.util.List;

/**
 * The checkpointed state of one dead-letter writer: the letters the topic had not acknowledged yet,
 * oldest first. Written by {@link PendingDeadLettersSerializer}.
 */
public record PendingDeadLetters(List<DeadLetter> letters) {

    public static final PendingDeadLetters NONE = new PendingDeadLetters(List.of());

    public PendingDeadLetters {
        letters = List.copyOf(letters);
    }
}
