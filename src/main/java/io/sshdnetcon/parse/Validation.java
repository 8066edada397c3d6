package io.sshdnetcon.parse;

/** How much of each input record the parser validates ({@code detector.validate}). */
public enum Validation {
    /**
     * Every record is parsed in full: every malformed record is dead-lettered, and only valid
     * records move their host's time. The default.
     */
    ALL,
    /**
     * Only records the byte prefilter ({@link io.sshdnetcon.rule.CandidateBytes}) lets through are
     * parsed in full, so every malformed would-be candidate is still dead-lettered. The rest are
     * counted as skipped: their {@code @timestamp} and {@code host.id} are read from the bytes to
     * move their host's time, and nothing else in them is checked.
     */
    CANDIDATES
}
