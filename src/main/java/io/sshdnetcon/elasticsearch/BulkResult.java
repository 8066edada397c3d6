package io.sshdnetcon.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.util.ArrayList;
import java.util.List;

/**
 * A bulk response sorted by what to do next. Items answer the request's actions in order, so the
 * i-th item belongs to the i-th entry sent.
 *
 * @param indexed entries stored now
 * @param alreadyIndexed entries stored by an earlier attempt (409)
 * @param retry entries to send again, in their original order
 * @param rejected entries Elasticsearch refuses, with its reason
 * @param targetRefused entries whose answer refused the data stream itself ({@link
 *     ItemOutcome#TARGET_REFUSED}), with that answer
 */
public record BulkResult(
        int indexed,
        int alreadyIndexed,
        List<BulkCreate> retry,
        List<Rejection> rejected,
        List<Rejection> targetRefused) {

    /** An entry Elasticsearch will never take, and why ({@link ItemOutcome#describe}). */
    public record Rejection(BulkCreate entry, String detail) {}

    /**
     * @throws IllegalStateException if the response does not have one item per entry sent
     */
    public static BulkResult of(List<BulkCreate> sent, BulkResponse response) {
        List<BulkResponseItem> items = response.items();
        if (items.size() != sent.size()) {
            throw new IllegalStateException(
                    "Elasticsearch answered a bulk request of "
                            + sent.size()
                            + " actions with "
                            + items.size()
                            + " items");
        }
        int indexed = 0;
        int alreadyIndexed = 0;
        List<BulkCreate> retry = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        List<Rejection> targetRefused = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            switch (ItemOutcome.of(item)) {
                case INDEXED -> indexed++;
                case ALREADY_INDEXED -> alreadyIndexed++;
                case RETRY -> retry.add(sent.get(i));
                case REJECTED ->
                        rejected.add(new Rejection(sent.get(i), ItemOutcome.describe(item)));
                case TARGET_REFUSED ->
                        targetRefused.add(new Rejection(sent.get(i), ItemOutcome.describe(item)));
            }
        }
        return new BulkResult(
                indexed,
                alreadyIndexed,
                List.copyOf(retry),
                List.copyOf(rejected),
                List.copyOf(targetRefused));
    }
}
