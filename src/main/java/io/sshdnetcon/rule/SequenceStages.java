package io.sshdnetcon.rule;

import io.sshdnetcon.event.FieldValues;
import io.sshdnetcon.event.RuleField;
import io.sshdnetcon.event.Stage;

/**
 * The two stage filters of the rule's EQL sequence, minus the exclusions (which are data, held in
 * broadcast state, and applied by {@link ApplyExclusions}).
 *
 * <pre>
 * [process where host.os.type == "linux" and event.type == "start" and event.action == "exec"
 *    and process.parent.executable == "/usr/sbin/sshd"]                         by process.entity_id
 * [network where host.os.type == "linux" and event.type == "start"
 *    and event.action == "connection_attempted" and not (...exclusions...)]    by process.parent.entity_id
 * </pre>
 *
 * <p>Comparisons are exact and case-sensitive, and hold when any element of an ECS array matches. A
 * missing field fails every positive test.
 */
public final class SequenceStages {

    static final String LINUX = "linux";
    static final String START = "start";
    static final String EXEC = "exec";
    static final String CONNECTION_ATTEMPTED = "connection_attempted";
    static final String SSHD = "/usr/sbin/sshd";
    static final String PROCESS = "process";
    static final String NETWORK = "network";

    private SequenceStages() {}

    /**
     * The stage this event can fill, or null. The filters are disjoint through {@code
     * event.action}; an event claiming both actions is treated as an exec.
     */
    public static Stage classify(FieldValues f) {
        if (!f.anyEquals(RuleField.HOST_OS_TYPE, LINUX)
                || !f.anyEquals(RuleField.EVENT_TYPE, START)) {
            return null;
        }
        if (f.anyEquals(RuleField.EVENT_ACTION, EXEC)
                && f.anyEquals(RuleField.EVENT_CATEGORY, PROCESS)
                && f.anyEquals(RuleField.PARENT_EXECUTABLE, SSHD)) {
            return Stage.EXEC;
        }
        if (f.anyEquals(RuleField.EVENT_ACTION, CONNECTION_ATTEMPTED)
                && f.anyEquals(RuleField.EVENT_CATEGORY, NETWORK)) {
            return Stage.CONNECT;
        }
        return null;
    }

    /** The field a stage joins on (the EQL {@code by} clause). */
    public static RuleField joinField(Stage stage) {
        return stage == Stage.EXEC ? RuleField.PROCESS_ENTITY_ID : RuleField.PARENT_ENTITY_ID;
    }
}
