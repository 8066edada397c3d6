package io.sshdnetcon.rule;

/** An exclusion set that must not be applied; the message says what is wrong with it. */
public final class InvalidExclusionSetException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidExclusionSetException(String message) {
        super(message);
    }

    public InvalidExclusionSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
