package io.sshdnetcon.elasticsearch;

/** The sink cannot go on: retrying would not help (for example, bad credentials). */
public final class ElasticsearchSinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ElasticsearchSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
