package io.sshdnetcon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads what the sink wrote, over plain HTTP against the real node. */
public final class ElasticsearchQueries {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ElasticsearchQueries(String url) {
        this.url = url;
    }

    public long count(String dataStream) throws IOException, InterruptedException {
        refresh(dataStream);
        return call("GET", "/" + dataStream + "/_count", null).get("count").asLong();
    }

    /** Count, or -1 while the node cannot answer (for polling through an outage). */
    public long countOrMinusOne(String dataStream) throws InterruptedException {
        try {
            return count(dataStream);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public JsonNode mapping(String dataStream) throws IOException, InterruptedException {
        return call("GET", "/" + dataStream + "/_mapping", null);
    }

    /** The hits (with {@code _id}, {@code _index}, {@code _source}) of a query, up to 10 000. */
    public List<JsonNode> search(String dataStream, String query)
            throws IOException, InterruptedException {
        refresh(dataStream);
        JsonNode answer =
                call(
                        "POST",
                        "/" + dataStream + "/_search",
                        "{\"size\":10000,\"query\":" + query + "}");
        List<JsonNode> hits = new ArrayList<>();
        answer.at("/hits/hits").forEach(hits::add);
        return hits;
    }

    /**
     * Like {@link #search}, with only {@code fields} of each {@code _source}: large alerts stay
     * put.
     */
    public List<JsonNode> search(String dataStream, String query, List<String> fields)
            throws IOException, InterruptedException {
        refresh(dataStream);
        JsonNode answer =
                call(
                        "POST",
                        "/" + dataStream + "/_search",
                        "{\"size\":10000,\"_source\":"
                                + MAPPER.writeValueAsString(fields)
                                + ",\"query\":"
                                + query
                                + "}");
        List<JsonNode> hits = new ArrayList<>();
        answer.at("/hits/hits").forEach(hits::add);
        return hits;
    }

    public List<String> ids(String dataStream, String query)
            throws IOException, InterruptedException {
        return search(dataStream, query).stream().map(h -> h.get("_id").asText()).toList();
    }

    public void putIndexTemplate(String name, String json)
            throws IOException, InterruptedException {
        call("PUT", "/_index_template/" + name, json);
    }

    public void deleteIndexTemplate(String name) throws IOException, InterruptedException {
        call("DELETE", "/_index_template/" + name, null);
    }

    /** The data stream's backing indices ({@code .ds-...}); this build has no GET _data_stream. */
    public List<String> backingIndices(String dataStream) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        call("GET", "/" + dataStream + "/_settings", null)
                .fieldNames()
                .forEachRemaining(names::add);
        return names;
    }

    public void putSettings(String index, String json) throws IOException, InterruptedException {
        call("PUT", "/" + index + "/_settings", json);
    }

    public void closeIndex(String index) throws IOException, InterruptedException {
        call("POST", "/" + index + "/_close", null);
    }

    public void openIndex(String index) throws IOException, InterruptedException {
        call("POST", "/" + index + "/_open", null);
    }

    private void refresh(String dataStream) throws IOException, InterruptedException {
        call("POST", "/" + dataStream + "/_refresh", null);
    }

    private JsonNode call(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    method + " " + path + " -> " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readTree(response.body());
    }
}
