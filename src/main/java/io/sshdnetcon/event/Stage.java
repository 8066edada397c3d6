package io.sshdnetcon.event;

/**
 * Which step of the EQL sequence an event can fill. The two stages are disjoint: stage 1 needs
 * {@code event.action == "exec"}, stage 2 needs {@code event.action == "connection_attempted"}.
 */
public enum Stage {
    /** Stage 1: sshd started a process. Joined on {@code process.entity_id}. */
    EXEC,
    /**
     * Stage 2: a process attempted an outbound connection. Joined on {@code
     * process.parent.entity_id}.
     */
    CONNECT,
    /**
     * Not an event: a marker the per-host ordering emits once its host's time has passed an exec's
     * maxspan, so the pattern retires that exec (and its state) without a CEP window, which would
     * count in the shared release clock, not in the host's time. Appended last: the enum's
     * serializer takes new constants at the end across savepoints.
     */
    EXPIRE
}
