package io.sshdnetcon.parse;

import java.io.Serializable;

/**
 * What every source's parser is built from; shipped to the source readers, which build their own (a
 * parser is not thread-safe).
 *
 * @param maxRecordBytes larger records are dead-lettered ({@code detector.max-record-bytes})
 * @param validation how much of each record is validated ({@code detector.validate})
 */
public record ParserSettings(int maxRecordBytes, Validation validation) implements Serializable {

    public ParserSettings {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be positive: " + maxRecordBytes);
        }
        if (validation == null) {
            throw new IllegalArgumentException("validation is required");
        }
    }

    /** Every record validated, at most {@code maxRecordBytes} each. */
    public static ParserSettings validatingAll(int maxRecordBytes) {
        return new ParserSettings(maxRecordBytes, Validation.ALL);
    }

    public EcsEventParser newParser() {
        return new EcsEventParser(maxRecordBytes, validation);
    }
}
