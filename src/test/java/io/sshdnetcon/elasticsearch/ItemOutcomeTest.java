package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-item decisions on bulk answers shaped like Elasticsearch 8.19's (see the ITCase for real
 * ones).
 */
class ItemOutcomeTest {

    private static BulkResponseItem ok(String id) {
        return BulkResponseItem.of(
                b ->
                        b.operationType(OperationType.Create)
                                .index("ds")
                                .id(id)
                                .status(201)
                                .result("created"));
    }

    private static BulkResponseItem failed(String id, int status, String type, String reason) {
        return BulkResponseItem.of(
                b ->
                        b.operationType(OperationType.Create)
                                .index("ds")
                                .id(id)
                                .status(status)
                                .error(e -> e.type(type).reason(reason)));
    }

    private static BulkCreate entry(String id) {
        return new BulkCreate(
                "ds", id, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void createdIsIndexed() {
        assertThat(ItemOutcome.of(ok("a"))).isEqualTo(ItemOutcome.INDEXED);
    }

    @Test
    void versionConflictOnCreateMeansAlreadyIndexed() {
        assertThat(
                        ItemOutcome.of(
                                failed(
                                        "a",
                                        409,
                                        "version_conflict_engine_exception",
                                        "[a]: version conflict, document already exists (current"
                                                + " version [1])")))
                .isEqualTo(ItemOutcome.ALREADY_INDEXED);
    }

    @Test
    void busyOrRecoveringIsRetried() {
        assertThat(
                        ItemOutcome.of(
                                failed("a", 429, "es_rejected_execution_exception", "queue full")))
                .isEqualTo(ItemOutcome.RETRY);
        assertThat(ItemOutcome.of(failed("a", 503, "unavailable_shards_exception", "primary")))
                .isEqualTo(ItemOutcome.RETRY);
        assertThat(ItemOutcome.of(failed("a", 500, "some_exception", "boom")))
                .isEqualTo(ItemOutcome.RETRY);
        assertThat(ItemOutcome.of(failed("a", 429, "circuit_breaking_exception", "data too large")))
                .isEqualTo(ItemOutcome.RETRY);
        // The type decides even when a proxy or an old node reports another status.
        assertThat(ItemOutcome.of(failed("a", 400, "es_rejected_execution_exception", "rejected")))
                .isEqualTo(ItemOutcome.RETRY);
    }

    @Test
    void otherClientErrorsAreRejected() {
        assertThat(ItemOutcome.of(failed("a", 400, "document_parsing_exception", "bad ip")))
                .isEqualTo(ItemOutcome.REJECTED);
        assertThat(ItemOutcome.of(failed("a", 400, "mapper_parsing_exception", "bad")))
                .isEqualTo(ItemOutcome.REJECTED);
        assertThat(ItemOutcome.of(failed("a", 400, "illegal_argument_exception", "bad value")))
                .isEqualTo(ItemOutcome.REJECTED);
        assertThat(ItemOutcome.of(failed("a", 413, "x_content_parse_exception", "too big")))
                .isEqualTo(ItemOutcome.REJECTED);
    }

    @Test
    void answersAboutTheDataStreamRefuseTheTargetNotTheAlert() {
        // As Elasticsearch 8.19 answers a create under index.blocks.write (see the ITCase).
        assertThat(
                        ItemOutcome.of(
                                failed(
                                        "a",
                                        403,
                                        "cluster_block_exception",
                                        "index [.ds-logs-x-2026.01.05-000001] blocked by:"
                                                + " [FORBIDDEN/8/index write (api)];")))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
        assertThat(
                        ItemOutcome.of(
                                failed(
                                        "a",
                                        403,
                                        "security_exception",
                                        "action [indices:data/write/bulk[s]] is unauthorized for"
                                                + " user [writer]")))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
        assertThat(ItemOutcome.of(failed("a", 401, "security_exception", "unable to authenticate")))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
        assertThat(ItemOutcome.of(failed("a", 404, "index_not_found_exception", "no such index")))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
        // Whatever the status a proxy or version reports, these types are about the index.
        assertThat(ItemOutcome.of(failed("a", 400, "index_closed_exception", "closed")))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
        assertThat(ItemOutcome.of(failed("a", 404, null, null)))
                .isEqualTo(ItemOutcome.TARGET_REFUSED);
    }

    @Test
    void blocksThatLiftByThemselvesAreRetried() {
        // The flood-stage disk block: 429, lifted by Elasticsearch once disk space is freed.
        assertThat(
                        ItemOutcome.of(
                                failed(
                                        "a",
                                        429,
                                        "cluster_block_exception",
                                        "index [x] blocked by: [TOO_MANY_REQUESTS/12/disk usage"
                                                + " exceeded flood-stage watermark, index has"
                                                + " read-only-allow-delete block];")))
                .isEqualTo(ItemOutcome.RETRY);
        // No master / state not recovered: 503.
        assertThat(
                        ItemOutcome.of(
                                failed(
                                        "a",
                                        503,
                                        "cluster_block_exception",
                                        "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered /"
                                                + " initialized];")))
                .isEqualTo(ItemOutcome.RETRY);
    }

    @Test
    void describeGivesStatusTypeReasonAndCauses() {
        BulkResponseItem item =
                BulkResponseItem.of(
                        b ->
                                b.operationType(OperationType.Create)
                                        .index("ds")
                                        .id("b")
                                        .status(400)
                                        .error(
                                                e ->
                                                        e.type("document_parsing_exception")
                                                                .reason(
                                                                        "failed to parse field"
                                                                            + " [destination.ip]")
                                                                .causedBy(
                                                                        c ->
                                                                                c.type(
                                                                                                "illegal_argument_exception")
                                                                                        .reason(
                                                                                                "'not-an-ip'"
                                                                                                    + " is not"
                                                                                                    + " an IP"
                                                                                                    + " string"
                                                                                                    + " literal."))));
        assertThat(ItemOutcome.describe(item))
                .isEqualTo(
                        "400 document_parsing_exception: failed to parse field [destination.ip]"
                                + " (caused by illegal_argument_exception: 'not-an-ip' is not an IP"
                                + " string literal.)");
    }

    @Test
    void bulkResultSortsEntriesInOrder() {
        List<BulkCreate> sent =
                List.of(entry("a"), entry("b"), entry("c"), entry("d"), entry("e"), entry("f"));
        BulkResponse response =
                BulkResponse.of(
                        b ->
                                b.errors(true)
                                        .took(3)
                                        .items(
                                                List.of(
                                                        ok("a"),
                                                        failed(
                                                                "b",
                                                                409,
                                                                "version_conflict_engine_exception",
                                                                "exists"),
                                                        failed(
                                                                "c",
                                                                429,
                                                                "es_rejected_execution_exception",
                                                                "busy"),
                                                        failed(
                                                                "d",
                                                                400,
                                                                "document_parsing_exception",
                                                                "bad"),
                                                        failed(
                                                                "e",
                                                                503,
                                                                "unavailable_shards_exception",
                                                                "recovering"),
                                                        failed(
                                                                "f",
                                                                403,
                                                                "cluster_block_exception",
                                                                "write block"))));

        BulkResult result = BulkResult.of(sent, response);

        assertThat(result.indexed()).isEqualTo(1);
        assertThat(result.alreadyIndexed()).isEqualTo(1);
        assertThat(result.retry()).containsExactly(entry("c"), entry("e"));
        assertThat(result.rejected()).hasSize(1);
        assertThat(result.rejected().get(0).entry()).isEqualTo(entry("d"));
        assertThat(result.rejected().get(0).detail())
                .isEqualTo("400 document_parsing_exception: bad");
        assertThat(result.targetRefused())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.entry()).isEqualTo(entry("f"));
                            assertThat(r.detail())
                                    .isEqualTo("403 cluster_block_exception: write block");
                        });
    }

    @Test
    void bulkResultRefusesAMismatchedAnswer() {
        BulkResponse response =
                BulkResponse.of(b -> b.errors(false).took(1).items(List.of(ok("a"))));
        assertThatThrownBy(() -> BulkResult.of(List.of(entry("a"), entry("b")), response))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 actions with 1 items");
    }
}
