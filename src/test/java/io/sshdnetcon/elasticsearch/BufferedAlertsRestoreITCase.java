package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts still buffered when a checkpoint is taken are in the writer's state (written by {@link
 * BulkCreateStateSerializer}), and a writer restored from it ({@code restoreWriter}) sends them.
 * The first writer can reach no node, so nothing leaves it before the snapshot.
 */
class BufferedAlertsRestoreITCase {

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    private static OneInputStreamOperatorTestHarness<AlertDocument, CommittableMessage<Void>>
            harness(ElasticsearchAlertSink sink) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new SinkWriterOperatorFactory<>(sink));
    }

    @Test
    void alertsBufferedAtASnapshotAreSentByTheRestoredWriter() throws Exception {
        String namespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        List<AlertDocument> alerts =
                IntStream.range(0, 7)
                        .mapToObj(i -> TestAlerts.alert(namespace + "-" + i, "h1", "8.8.4." + i))
                        .toList();
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(namespace);
        // Same data stream name; nothing listens on port 1.
        ElasticsearchSinkConfig unreachable =
                ElasticsearchAlertSinkITCase.singleNode("http://127.0.0.1:1", namespace).build();
        ElasticsearchSinkConfig reachable =
                ElasticsearchAlertSinkITCase.singleNode(ELASTICSEARCH.url(), namespace).build();

        OperatorSubtaskState snapshot;
        try (var first = harness(ElasticsearchAlertSink.create(unreachable, deadLetters))) {
            first.open();
            for (AlertDocument alert : alerts) {
                first.processElement(alert, alert.timestamp());
            }
            // Fewer alerts than a batch, and test time does not move: all are still buffered.
            snapshot = first.snapshot(1L, 1L);
        }

        try (var restored = harness(ElasticsearchAlertSink.create(reachable, deadLetters))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.endInput();
        }

        ElasticsearchQueries es = ELASTICSEARCH.queries();
        assertThat(es.ids(reachable.dataStream(), "{\"match_all\":{}}"))
                .containsExactlyInAnyOrderElementsOf(
                        alerts.stream().map(AlertDocument::id).toList());
        assertThat(deadLetters.letters()).isEmpty();
    }

    @Test
    void restoredAlertsFollowTheDataStreamOfTheNewRun() throws Exception {
        String oldNamespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        String newNamespace = ElasticsearchAlertSinkITCase.uniqueNamespace();
        List<AlertDocument> alerts =
                List.of(
                        TestAlerts.alert(oldNamespace + "-a", "h1", "8.8.8.8"),
                        TestAlerts.alert(oldNamespace + "-b", "h2", "8.8.4.4"));
        RecordingDeadLetters deadLetters = RecordingDeadLetters.fresh(oldNamespace);

        OperatorSubtaskState snapshot;
        try (var first =
                harness(
                        ElasticsearchAlertSink.create(
                                ElasticsearchAlertSinkITCase.singleNode(
                                                "http://127.0.0.1:1", oldNamespace)
                                        .build(),
                                deadLetters))) {
            first.open();
            for (AlertDocument alert : alerts) {
                first.processElement(alert, alert.timestamp());
            }
            snapshot = first.snapshot(1L, 1L);
        }
        ElasticsearchSinkConfig renamed =
                ElasticsearchAlertSinkITCase.singleNode(ELASTICSEARCH.url(), newNamespace).build();
        try (var restored = harness(ElasticsearchAlertSink.create(renamed, deadLetters))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.endInput();
        }

        // Written where this run's template applies, never into an unshaped index.
        assertThat(ELASTICSEARCH.queries().count(renamed.dataStream())).isEqualTo(2);
    }
}
