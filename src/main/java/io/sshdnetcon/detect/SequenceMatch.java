package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;

/** One completed sequence: the exec and the connection that took it. */
public record SequenceMatch(RuleEvent exec, RuleEvent connect) {

    /** Milliseconds from the exec to the connection (0..1000). */
    public long spanMillis() {
        return connect.timestamp() - exec.timestamp();
    }
}
