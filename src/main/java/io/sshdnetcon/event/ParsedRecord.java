package io.sshdnetcon.event;

/**
 * The result of parsing one input record, produced inside the source so that only the projection,
 * never the raw record, travels to the route.
 *
 * @param outcome what parsing decided
 * @param timestamp event time in epoch ms, or {@link Long#MIN_VALUE} when the record has none
 * @param event the projection, only for {@link Outcome#CANDIDATE}
 * @param deadLetter the dead letter, only for {@link Outcome#MALFORMED} and {@link
 *     Outcome#INVALID_DESTINATION}
 * @param source Kafka topic or input file
 * @param partition Kafka partition, or -1
 * @param offset Kafka offset or file line number
 * @param hostId its single {@code host.id}, or null
 * @param arrivalTime when the record arrived (the Kafka record's timestamp, epoch ms), or {@link
 *     #NO_TIMESTAMP} where the input has no such time (files)
 */
public record ParsedRecord(
        Outcome outcome,
        long timestamp,
        RuleEvent event,
        DeadLetter deadLetter,
        String source,
        int partition,
        long offset,
        String hostId,
        long arrivalTime) {

    /** A record whose input gives no arrival time. */
    public ParsedRecord(
            Outcome outcome,
            long timestamp,
            RuleEvent event,
            DeadLetter deadLetter,
            String source,
            int partition,
            long offset,
            String hostId) {
        this(
                outcome,
                timestamp,
                event,
                deadLetter,
                source,
                partition,
                offset,
                hostId,
                NO_TIMESTAMP);
    }

    /** A record that belongs to no host: malformed, or without a single {@code host.id}. */
    public ParsedRecord(
            Outcome outcome,
            long timestamp,
            RuleEvent event,
            DeadLetter deadLetter,
            String source,
            int partition,
            long offset) {
        this(outcome, timestamp, event, deadLetter, source, partition, offset, null, NO_TIMESTAMP);
    }

    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public boolean hasTimestamp() {
        return timestamp != NO_TIMESTAMP;
    }
}
