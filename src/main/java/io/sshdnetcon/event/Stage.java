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
    CONNECT
}
