package io.sshdnetcon.fleet;

/**
 * A planted true positive: the exec (sshd started a shell) and the connection that must pair with
 * it.
 *
 * @param variant which edge of the contract the sequence exercises
 * @param gapMs network time minus exec time, within [0, 1000]
 * @param destinationIp the connection's destination as written
 */
public record PlantedAttack(
        AttackVariant variant,
        String hostName,
        String execEventId,
        String networkEventId,
        long gapMs,
        String destinationIp) {

    /** The kinds of true positives, each chosen to pin one part of the contract. */
    public enum AttackVariant {
        /** Same millisecond, and the connection line is delivered before the exec line. */
        GAP_0_NETWORK_LINE_FIRST,
        GAP_0,
        /** The inclusive upper bound. */
        GAP_1000,
        TYPICAL,
        IPV6_DESTINATION,
        /** A public address just outside an excluded range (172.32.0.1, ::10.0.0.1, ...). */
        EDGE_DESTINATION,
        /** A connection to a private address first; it touches nothing. */
        AFTER_EXCLUDED_CONNECTION,
        /** An allowlisted process (ssh) connects first; it touches nothing. */
        AFTER_ALLOWLISTED_CONNECTION,
        /** Two qualifying connections: only the first alerts. */
        SECOND_CONNECTION_NOT_ALERTED,
        /** The shell re-execs itself (same entity id): the latest exec is the one that pairs. */
        SHELL_REEXEC,
        /** {@code ssh host 'curl … | sh'}: sshd runs {@code sh -c}. */
        COMMAND_SESSION,
        /** A binary named "SSH": the allowlist is case-sensitive. */
        CASE_VARIANT_NAME,
        /** No process.name on the connection: a missing name does not exclude. */
        MISSING_PROCESS_NAME
    }
}
