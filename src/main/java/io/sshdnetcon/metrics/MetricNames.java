package io.sshdnetcon.metrics;

/** Names of the detector's metrics and accumulators, documented in docs/metrics.md. */
public final class MetricNames {

    public static final String EVENTS_IN = "events_in";
    public static final String EVENTS_PARSED = "events_parsed";
    public static final String EVENTS_MALFORMED = "events_malformed";
    public static final String EVENTS_IRRELEVANT = "events_irrelevant";
    public static final String EVENTS_SKIPPED = "events_skipped";
    public static final String EVENTS_RELEVANT = "events_relevant";
    public static final String EVENTS_MISSING_JOIN_KEY = "events_missing_join_key";
    public static final String EVENTS_MULTI_VALUED_JOIN_KEY = "events_multi_valued_join_key";
    public static final String EVENTS_INVALID_DESTINATION = "events_invalid_destination";
    public static final String EVENTS_LATE = "events_late";

    /** Hosts whose clock offset this task knows (gauge, per route subtask). */
    public static final String HOSTS_TRACKED = "hosts_tracked";

    /**
     * Hosts whose newest {@code @timestamp} is more than 1 min / 1 h ahead of (after) its Kafka
     * arrival time (gauges, per route subtask).
     */
    public static final String HOSTS_CLOCK_AHEAD_1M = "hosts_clock_ahead_1m";

    public static final String HOSTS_CLOCK_AHEAD_1H = "hosts_clock_ahead_1h";

    /**
     * Hosts more than 1 min / 1 h behind their arrival time: a slow clock, or an agent delivering
     * late (gauges, per route subtask).
     */
    public static final String HOSTS_CLOCK_BEHIND_1M = "hosts_clock_behind_1m";

    public static final String HOSTS_CLOCK_BEHIND_1H = "hosts_clock_behind_1h";

    /** The largest absolute host clock offset, in ms (gauge, per route subtask). */
    public static final String HOST_CLOCK_OFFSET_MAX_MS = "host_clock_offset_max_ms";

    public static final String EVENTS_EXCLUDED = "events_excluded";
    public static final String EXCLUSION_REASON_LABEL = "reason";

    /** Label of {@link #EVENTS_MALFORMED}: the dead-letter reason code. */
    public static final String MALFORMED_REASON_LABEL = "reason";

    /** Connections kept from CEP because their key has no exec they could follow. */
    public static final String CONNECTIONS_WITHOUT_EXEC = "connections_without_exec";

    public static final String DEAD_LETTERED = "dead_lettered";
    public static final String ALERTS = "alerts";
    public static final String ALERT_BUILD_FAILURES = "alert_build_failures";
    public static final String EXCLUSIONS_VERSION = "exclusions_version";
    public static final String EXCLUSION_SETS_REJECTED = "exclusion_sets_rejected";
    public static final String EXCLUSION_SETS_IGNORED = "exclusion_sets_ignored";
    public static final String DETECTION_LATENCY_MS = "detection_latency_ms";

    /** Alerts Elasticsearch accepted (2xx). */
    public static final String ALERTS_INDEXED = "alerts_indexed";

    /** Alerts whose id was already in the data stream (409 on create): written before. */
    public static final String ALERTS_ALREADY_INDEXED = "alerts_already_indexed";

    /** Alert send attempts that will be retried (429, 5xx, or the whole request failed). */
    public static final String ALERTS_RETRIED = "alerts_retried";

    /** Alerts Elasticsearch refused as invalid (other 4xx), or too large to send: dead-lettered. */
    public static final String ALERTS_REJECTED = "alerts_rejected";

    /** Bytes of alerts in the sink's buffer, waiting to be sent or sent again (gauge). */
    public static final String ALERTS_BUFFERED_BYTES = "alerts_buffered_bytes";

    /** Dead letters waiting for the dead-letter topic's acknowledgement (gauge, per writer). */
    public static final String DEAD_LETTERS_BUFFERED = "dead_letters_buffered";

    /** Their payload and message bytes (gauge, per writer). */
    public static final String DEAD_LETTERS_BUFFERED_BYTES = "dead_letters_buffered_bytes";

    /** Dead letters given up: the buffer was full, or the topic can never take them. */
    public static final String DEAD_LETTERS_DROPPED = "dead_letters_dropped";

    /** Dead letters the dead-letter topic acknowledged. */
    public static final String DEAD_LETTERS_DELIVERED = "dead_letters_delivered";

    private MetricNames() {}
}
