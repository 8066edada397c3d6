package io.sshdnetcon.fleet;

/**
 * A planted sequence that looks like an attack but must not alert. {@code execEventId} is the shell
 * exec the connection would have paired with; {@code networkEventId} is the connection that must
 * not alert.
 *
 * @param detail the destination, process or value that makes it a near miss, where the kind has one
 */
public record PlantedNearMiss(
        NearMissKind kind,
        String detail,
        String hostName,
        String execEventId,
        String networkEventId) {

    /** Why the sequence must not alert. */
    public enum NearMissKind {
        GAP_1001_MS,
        /** The shell connects, not a child of it. */
        SHELL_ITSELF_CONNECTS,
        EXCLUDED_DESTINATION,
        ALLOWLISTED_PROCESS,
        /** "Linux" on the exec or "LINUX" on the connection. */
        OS_TYPE_CASE,
        /** The shell's parent reported as "/USR/SBIN/SSHD". */
        PARENT_EXECUTABLE_CASE,
        /** The connection is on another host, with the shell's entity id as parent. */
        CHILD_ON_OTHER_HOST,
        /** The connection is 5 ms before the exec. */
        NETWORK_BEFORE_EXEC,
        MISSING_DESTINATION_IP,
        MISSING_PARENT_ENTITY_ID,
        /** An inbound connection (a bind shell) rather than connection_attempted. */
        CONNECTION_ACCEPTED,
        /** {@code sudo curl}: the connection's parent is sudo, a grandchild of the sshd exec. */
        GRANDCHILD_CONNECTS
    }
}
