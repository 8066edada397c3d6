package io.sshdnetcon.rule;

/** Why a connection was kept out of the sequence; each reason has its own counter. */
public enum ExclusionReason {
    /** {@code destination.ip == null}: missing, null or an empty array. */
    NO_DESTINATION("no_destination"),
    /** A destination address is in the CIDR/address list ({@code 0.0.0.0} included). */
    DESTINATION("destination"),
    /** {@code process.executable} is allowlisted. */
    PROCESS_EXECUTABLE("process_executable"),
    /** {@code process.name} is allowlisted. */
    PROCESS_NAME("process_name");

    private final String code;

    ExclusionReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
