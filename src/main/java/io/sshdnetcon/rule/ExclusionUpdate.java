package io.sshdnetcon.rule;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the exclusions control stream after validation: either an accepted set with the
 * record it came from (so that a later refusal can still dead-letter the original bytes), or the
 * dead letter explaining why the set was rejected.
 */
public record ExclusionUpdate(ExclusionSet set, Origin origin, DeadLetter rejected) {

    /**
     * Where an accepted set came from.
     *
     * @param json the record's value, as published
     * @param source the topic (or file)
     * @param partition Kafka partition, or -1
     * @param offset Kafka offset, or -1
     */
    public record Origin(byte[] json, String source, int partition, long offset) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Origin other
                    && partition == other.partition
                    && offset == other.offset
                    && Arrays.equals(json, other.json)
                    && Objects.equals(source, other.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, partition, offset) * 31 + Arrays.hashCode(json);
        }

        @Override
        public String toString() {
            return "Origin{"
                    + source
                    + "/"
                    + partition
                    + "/"
                    + offset
                    + ", "
                    + (json == null ? 0 : json.length)
                    + " bytes}";
        }
    }

    /** A set without a record of its own (replay, tests): its origin is its JSON form. */
    public static ExclusionUpdate accepted(ExclusionSet set) {
        return accepted(set, new Origin(ExclusionSetJson.write(set), "exclusions", -1, -1));
    }

    public static ExclusionUpdate accepted(ExclusionSet set, Origin origin) {
        return new ExclusionUpdate(set, origin, null);
    }

    public static ExclusionUpdate rejected(DeadLetter letter) {
        return new ExclusionUpdate(null, null, letter);
    }

    /** The dead letter that refuses this accepted set for {@code reason}. */
    public DeadLetter refusal(String reason) {
        return new DeadLetter(
                DeadLetterReason.INVALID_EXCLUSION_SET,
                reason,
                origin.json(),
                origin.source(),
                origin.partition(),
                origin.offset(),
                System.currentTimeMillis());
    }
}
