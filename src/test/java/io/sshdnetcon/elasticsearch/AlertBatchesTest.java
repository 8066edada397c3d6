package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.connector.base.sink.writer.Batch;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.strategy.BasicRequestInfo;
import org.junit.jupiter.api.Test;

class AlertBatchesTest {

    /** An entry whose {@link BulkCreate#sizeInBytes()} is exactly {@code size}. */
    private static RequestEntryWrapper<BulkCreate> entry(String id, int size) {
        BulkCreate empty = new BulkCreate("ds", id, new byte[0]);
        BulkCreate sized = new BulkCreate("ds", id, new byte[size - (int) empty.sizeInBytes()]);
        return new RequestEntryWrapper<>(sized, sized.sizeInBytes());
    }

    private static AlertBuffer buffer(int... sizes) {
        AlertBuffer buffer = new AlertBuffer();
        for (int i = 0; i < sizes.length; i++) {
            buffer.add(entry("e" + i, sizes[i]), false);
        }
        return buffer;
    }

    private static List<String> ids(Batch<BulkCreate> batch) {
        return batch.getBatchEntries().stream().map(BulkCreate::id).toList();
    }

    @Test
    void theBufferKnowsItsBytesThroughAddsRetriesAndPolls() {
        AlertBuffer buffer = buffer(100, 200, 300);
        assertThat(buffer.totalSizeInBytes()).isEqualTo(600);
        assertThat(buffer.size()).isEqualTo(3);
        buffer.add(entry("retried", 50), true);
        assertThat(buffer.peek().getRequestEntry().id()).isEqualTo("retried");
        assertThat(buffer.totalSizeInBytes()).isEqualTo(650);
        assertThat(buffer.poll().getSize()).isEqualTo(50);
        assertThat(buffer.poll().getSize()).isEqualTo(100);
        assertThat(buffer.totalSizeInBytes()).isEqualTo(500);
        assertThat(buffer.getBufferedState())
                .extracting(RequestEntryWrapper::getSize)
                .containsExactly(200L, 300L);
        buffer.poll();
        buffer.poll();
        assertThat(buffer.poll()).isNull();
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.totalSizeInBytes()).isZero();
    }

    @Test
    void batchesStopAtTheCountOrTheBytes() {
        AlertBatches batches = new AlertBatches(1000);
        AlertBuffer buffer = buffer(400, 400, 400, 100, 100);

        Batch<BulkCreate> first = batches.createNextBatch(new BasicRequestInfo(10), buffer);
        assertThat(ids(first)).containsExactly("e0", "e1");
        assertThat(first.getSizeInBytes()).isEqualTo(800);
        assertThat(ids(batches.createNextBatch(new BasicRequestInfo(2), buffer)))
                .containsExactly("e2", "e3");
        assertThat(buffer.totalSizeInBytes()).isEqualTo(100);
    }

    @Test
    void after413RequestsTakeHalfTheBytesAndAnOversizedAlertGoesAlone() {
        AlertBatches batches = new AlertBatches(10_000);
        batches.tooLarge(2_000);
        assertThat(batches.maxRequestBytes()).isEqualTo(1_000);
        // A later, larger 413 does not raise the limit again.
        batches.tooLarge(8_000);
        assertThat(batches.maxRequestBytes()).isEqualTo(1_000);

        AlertBuffer buffer = buffer(600, 600, 1_500, 300);
        assertThat(ids(batches.createNextBatch(new BasicRequestInfo(10), buffer)))
                .containsExactly("e0");
        assertThat(ids(batches.createNextBatch(new BasicRequestInfo(10), buffer)))
                .containsExactly("e1");
        // Larger than the limit on its own: still sent (alone), so that its own answer decides.
        assertThat(ids(batches.createNextBatch(new BasicRequestInfo(10), buffer)))
                .containsExactly("e2");
        assertThat(ids(batches.createNextBatch(new BasicRequestInfo(10), buffer)))
                .containsExactly("e3");
        assertThat(batches.createNextBatch(new BasicRequestInfo(10), buffer).getRecordCount())
                .isZero();
    }
}
