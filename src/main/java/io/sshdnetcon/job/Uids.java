package io.sshdnetcon.job;

/**
 * Operator uids. Savepoints map state to operators by uid, so these strings are part of the job's
 * upgrade contract: never rename one without a migration plan (see docs/upgrades.md).
 */
public final class Uids {

    public static final String EVENTS_SOURCE = "ecs-events-source";
    public static final String ROUTE_EVENTS = "route-parsed-events";
    public static final String EXCLUSIONS_SOURCE = "exclusions-source";
    public static final String ROUTE_EXCLUSIONS = "route-exclusion-updates";
    public static final String ORDER_HOST_EVENTS = "order-host-events";
    public static final String RELEASE_CLOCK = "release-clock";
    public static final String APPLY_EXCLUSIONS = "apply-exclusions";
    public static final String PENDING_EXEC_GATE = "pending-exec-gate";
    public static final String EXEC_THEN_CONNECT = "exec-then-connect-cep";
    public static final String BUILD_ALERTS = "build-alerts";
    public static final String RECORD_CEP_LATE = "record-cep-late-events";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String LATE_EVENTS_SINK = "late-events-sink";

    private Uids() {}
}
