package io.sshdnetcon.elasticsearch;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterPublisher;
import io.sshdnetcon.event.DeadLetterPublisherFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Our own dead-letter seam, recording into memory for a test (the MiniCluster runs in the test's
 * JVM). Each test uses its own key. Records publishes and flushes in order, so a test can check
 * that every dead letter was flushed.
 */
record RecordingDeadLetters(String key) implements DeadLetterPublisherFactory {

    private static final long serialVersionUID = 1L;

    /** What happened, in order: a dead letter, or {@link #FLUSH}. */
    private static final Map<String, List<Object>> EVENTS = new ConcurrentHashMap<>();

    static final Object FLUSH = "flush";

    static RecordingDeadLetters fresh(String key) {
        EVENTS.put(key, new CopyOnWriteArrayList<>());
        return new RecordingDeadLetters(key);
    }

    List<DeadLetter> letters() {
        return events().stream()
                .filter(DeadLetter.class::isInstance)
                .map(DeadLetter.class::cast)
                .toList();
    }

    List<Object> events() {
        return List.copyOf(EVENTS.getOrDefault(key, List.of()));
    }

    @Override
    public DeadLetterPublisher create() {
        List<Object> events = EVENTS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        return new DeadLetterPublisher() {
            @Override
            public void publish(DeadLetter letter) {
                events.add(letter);
            }

            @Override
            public void flush() {
                events.add(FLUSH);
            }

            @Override
            public void close() {}
        };
    }
}
