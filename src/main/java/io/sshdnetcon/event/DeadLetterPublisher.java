package io.sshdnetcon.event;

import java.io.IOException;

/**
 * Sends dead letters from places that cannot use a side output, such as a sink writer that learns
 * from Elasticsearch that a document is invalid. One per writer; called from the task thread.
 */
public interface DeadLetterPublisher extends AutoCloseable {

    void publish(DeadLetter letter) throws IOException;

    /**
     * Called before checkpoints: waits until everything published so far is durably stored, as far
     * as the destination allows. A publisher whose destination can be unavailable may return with
     * letters still pending rather than block the caller (see its own documentation for what a
     * failure then loses).
     */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
