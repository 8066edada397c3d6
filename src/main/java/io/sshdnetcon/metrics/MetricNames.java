package io.sshdnetcon.metrics;

/** Names of the detector's metrics and accumulators, documented in README.md. */
public final class MetricNames {

    public static final String EVENTS_IN = "events_in";
    public static final String EVENTS_PARSED = "events_parsed";
    public static final String EVENTS_MALFORMED = "events_malformed";
    public static final String EVENTS_IRRELEVANT = "events_irrelevant";
    public static final String EVENTS_RELEVANT = "events_relevant";
    public static final String EVENTS_MISSING_JOIN_KEY = "events_missing_join_key";
    public static final String EVENTS_MULTI_VALUED_JOIN_KEY = "events_multi_valued_join_key";
    public static final String EVENTS_INVALID_DESTINATION = "events_invalid_destination";
    public static final String EVENTS_LATE = "events_late";
    public static final String EVENTS_EXCLUDED = "events_excluded";
    public static final String EXCLUSION_REASON_LABEL = "reason";
    public static final String DEAD_LETTERED = "dead_lettered";
    public static final String ALERTS = "alerts";
    public static final String ALERT_BUILD_FAILURES = "alert_build_failures";
    public static final String EXCLUSIONS_VERSION = "exclusions_version";
    public static final String EXCLUSION_SETS_REJECTED = "exclusion_sets_rejected";
    public static final String EXCLUSION_SETS_IGNORED = "exclusion_sets_ignored";
    public static final String DETECTION_LATENCY_MS = "detection_latency_ms";

    private MetricNames() {}
}
