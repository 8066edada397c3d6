package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class BulkCreateStateSerializerTest {

    private final BulkCreateStateSerializer serializer = new BulkCreateStateSerializer();

    private static RequestEntryWrapper<BulkCreate> wrap(BulkCreate entry) {
        return new RequestEntryWrapper<>(entry, entry.sizeInBytes());
    }

    @Test
    void roundTripKeepsEveryEntryInOrder() throws IOException {
        List<BulkCreate> entries =
                List.of(
                        new BulkCreate(
                                "logs-sshdnetcon.alerts-default",
                                "0f3a9c",
                                "{\"@timestamp\":\"2026-01-05T10:00:00.500Z\"}"
                                        .getBytes(StandardCharsets.UTF_8)),
                        new BulkCreate(
                                "logs-sshdnetcon.alerts-default",
                                "ünïcødé-id",
                                "{\"message\":\"caf\u00e9 \u2603\"}"
                                        .getBytes(StandardCharsets.UTF_8)),
                        new BulkCreate("logs-x-y", "empty", new byte[0]));
        BufferedRequestState<BulkCreate> state =
                new BufferedRequestState<>(
                        entries.stream().map(BulkCreateStateSerializerTest::wrap).toList());

        byte[] bytes = serializer.serialize(state);
        BufferedRequestState<BulkCreate> restored =
                serializer.deserialize(serializer.getVersion(), bytes);

        assertThat(restored.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactlyElementsOf(entries);
        assertThat(restored.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getSize)
                .containsExactlyElementsOf(entries.stream().map(BulkCreate::sizeInBytes).toList());
        assertThat(restored.getStateSize()).isEqualTo(state.getStateSize());
    }

    @Test
    void emptyStateRoundTrips() throws IOException {
        byte[] bytes = serializer.serialize(BufferedRequestState.emptyState());
        assertThat(serializer.deserialize(1, bytes).getBufferedRequestEntries()).isEmpty();
    }

    @Test
    void versionIsOne() {
        assertThat(serializer.getVersion()).isEqualTo(1);
    }

    @Test
    void unknownVersionIsRefusedClearly() throws IOException {
        byte[] bytes = serializer.serialize(BufferedRequestState.emptyState());
        assertThatThrownBy(() -> serializer.deserialize(2, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown version 2")
                .hasMessageContaining("reads version 1");
    }

    @Test
    void truncatedStateFails() throws IOException {
        BulkCreate entry = new BulkCreate("ds", "id", new byte[100]);
        byte[] bytes = serializer.serialize(new BufferedRequestState<>(List.of(wrap(entry))));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 10);
        assertThatThrownBy(() -> serializer.deserialize(1, truncated))
                .isInstanceOf(IOException.class);
    }
}
