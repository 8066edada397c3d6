package io.sshdnetcon.event;

/** What parsing decided about one input record. */
public enum Outcome {
    /** Fills a stage of the sequence and carries everything needed to join it. */
    CANDIDATE,
    /** A valid event that no stage predicate accepts: the bulk of fleet traffic. */
    IRRELEVANT,
    /**
     * Ruled out by the byte prefilter under {@code detector.validate: candidates}: its time and
     * host were read, the rest of it was not validated.
     */
    SKIPPED,
    /** Would fill a stage, but {@code host.id} or its join value is missing: it can never join. */
    MISSING_JOIN_KEY,
    /** Would fill a stage, but {@code host.id} or its join value has several values. */
    MULTI_VALUED_JOIN_KEY,
    /** A connection candidate whose destination is not an IP literal (dead-lettered). */
    INVALID_DESTINATION,
    /** Unusable input (dead-lettered). */
    MALFORMED
}
