package io.sshdnetcon.elasticsearch;

import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.util.Set;

/** What one bulk item's answer means for the alert it carried. */
public enum ItemOutcome {
    /** Stored (2xx). */
    INDEXED,
    /**
     * 409 {@code version_conflict_engine_exception} on {@code create}: a document with this
     * deterministic id exists, so an earlier attempt stored it. Success.
     */
    ALREADY_INDEXED,
    /** Elasticsearch could not take it now (429, 5xx, rejected execution, unavailable shards). */
    RETRY,
    /**
     * Elasticsearch refuses the data stream, not the document: 401, 403 or 404 (missing privilege,
     * write block, missing data stream or template), or a closed or blocked index whatever the
     * status. Every alert of the sink goes to the same data stream, so every alert would get the
     * same answer: the job fails naming it, and nothing is dead-lettered (the alerts are sent again
     * from the checkpoint once the cause is fixed).
     */
    TARGET_REFUSED,
    /** Elasticsearch refuses this document (any other 4xx); sending it again cannot help. */
    REJECTED;

    static final String VERSION_CONFLICT = "version_conflict_engine_exception";

    /** Error types that mean "busy or recovering", whatever status they come with. */
    private static final Set<String> RETRYABLE_TYPES =
            Set.of(
                    "es_rejected_execution_exception",
                    "unavailable_shards_exception",
                    "circuit_breaking_exception",
                    "node_not_connected_exception",
                    "no_shard_available_action_exception");

    /** Error types about the index or the caller's rights, never about one document. */
    private static final Set<String> TARGET_TYPES =
            Set.of(
                    "cluster_block_exception",
                    "index_closed_exception",
                    "index_not_found_exception",
                    "security_exception");

    public static ItemOutcome of(BulkResponseItem item) {
        int status = item.status();
        ErrorCause error = item.error();
        String type = error == null ? null : error.type();
        if (status >= 200 && status < 300) {
            return INDEXED;
        }
        if (status == 409 && (type == null || VERSION_CONFLICT.equals(type))) {
            return ALREADY_INDEXED;
        }
        if (type != null && RETRYABLE_TYPES.contains(type)) {
            return RETRY;
        }
        if (isRetryableStatus(status)) {
            // Before the target types: a flood-stage disk block is a 429 cluster_block_exception,
            // and it lifts by itself once disk space is freed.
            return RETRY;
        }
        if (status == 401
                || status == 403
                || status == 404
                || (type != null && TARGET_TYPES.contains(type))) {
            return TARGET_REFUSED;
        }
        return REJECTED;
    }

    /**
     * 408, 429 and 5xx say "not now"; other 4xx say "never". Anything else is unexpected: retry.
     */
    static boolean isRetryableStatus(int status) {
        return status < 400 || status == 408 || status == 429 || status >= 500;
    }

    /** {@code "400 document_parsing_exception: reason (caused by type: reason)"}. */
    public static String describe(BulkResponseItem item) {
        StringBuilder text = new StringBuilder().append(item.status());
        ErrorCause error = item.error();
        if (error != null) {
            text.append(' ').append(error.type()).append(": ").append(error.reason());
            for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
                text.append(" (caused by ")
                        .append(cause.type())
                        .append(": ")
                        .append(cause.reason())
                        .append(')');
            }
        }
        return text.toString();
    }
}
