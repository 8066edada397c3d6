package io.sshdnetcon.elasticsearch;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One bulk {@code create} action: what the sink buffers, retries and keeps in checkpoints.
 *
 * @param index the data stream
 * @param id the document {@code _id}: the deterministic alert id, so a re-send is a 409, not a copy
 * @param source the alert JSON, sent as it is
 */
public record BulkCreate(String index, String id, byte[] source) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Bytes of the bulk action line around index and id ({@code {"create":{"_index":"","_id":""}}}
     * and two newlines).
     */
    private static final int ACTION_OVERHEAD = 40;

    public BulkCreate {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
    }

    /** What this action adds to a bulk request body, close enough for batching. */
    public long sizeInBytes() {
        return (long) source.length + index.length() + id.length() + ACTION_OVERHEAD;
    }

    /** The same action aimed at another data stream. */
    public BulkCreate withIndex(String otherIndex) {
        return new BulkCreate(otherIndex, id, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BulkCreate other
                && index.equals(other.index)
                && id.equals(other.id)
                && Arrays.equals(source, other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, id) * 31 + Arrays.hashCode(source);
    }

    @Override
    public String toString() {
        return "BulkCreate{" + index + "/" + id + ", " + source.length + " bytes}";
    }
}
