package io.sshdnetcon.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record the job could not use, kept with its original bytes so nothing is silently lost.
 *
 * @param reason machine-readable reason
 * @param detail human-readable explanation (which field, what was wrong)
 * @param payload the original bytes, untouched
 * @param source where it came from: a Kafka topic or an input file
 * @param partition Kafka partition, or -1
 * @param offset Kafka offset, or the 1-based line number of a file, or -1 when unknown
 * @param timestamp when it was set aside (epoch ms, processing time)
 */
public record DeadLetter(
        DeadLetterReason reason,
        String detail,
        byte[] payload,
        String source,
        int partition,
        long offset,
        long timestamp) {

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter other)) {
            return false;
        }
        return partition == other.partition
                && offset == other.offset
                && timestamp == other.timestamp
                && reason == other.reason
                && Objects.equals(detail, other.detail)
                && Arrays.equals(payload, other.payload)
                && Objects.equals(source, other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, detail, source, partition, offset) * 31
                + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "DeadLetter{"
                + reason.code()
                + ": "
                + detail
                + " @"
                + source
                + "/"
                + partition
                + "/"
                + offset
                + "}";
    }
}
