package io.sshdnetcon.elasticsearch;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import org.apache.flink.connector.base.sink.writer.RequestBuffer;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;

/**
 * The writer's buffer of alerts not yet sent (or handed back for a retry), with its size in bytes
 * kept current, so that {@link ElasticsearchAlertWriter} can bound it in bytes: Flink's writer
 * bounds it only by count ({@code maxBufferedRequests}). Task thread only.
 */
final class AlertBuffer implements RequestBuffer<BulkCreate> {

    private final Deque<RequestEntryWrapper<BulkCreate>> entries = new ArrayDeque<>();
    // Written on the task thread only; volatile for the metric reporter that reads it.
    private volatile long bytes;

    @Override
    public void add(RequestEntryWrapper<BulkCreate> entry, boolean atHead) {
        if (atHead) {
            entries.addFirst(entry);
        } else {
            entries.addLast(entry);
        }
        bytes += entry.getSize();
    }

    @Override
    public RequestEntryWrapper<BulkCreate> poll() {
        RequestEntryWrapper<BulkCreate> entry = entries.poll();
        if (entry != null) {
            bytes -= entry.getSize();
        }
        return entry;
    }

    @Override
    public RequestEntryWrapper<BulkCreate> peek() {
        return entries.peek();
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Collection<RequestEntryWrapper<BulkCreate>> getBufferedState() {
        return entries;
    }

    @Override
    public long totalSizeInBytes() {
        return bytes;
    }
}
