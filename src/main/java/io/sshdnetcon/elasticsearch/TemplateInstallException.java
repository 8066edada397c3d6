package io.sshdnetcon.elasticsearch;

/** Installing the data stream's index template failed; the cause says why. */
public final class TemplateInstallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TemplateInstallException(String templateName, Throwable cause) {
        super(
                "could not install the index template "
                        + templateName
                        + ": "
                        + RequestFailures.describe(cause),
                cause);
    }
}
