package io.sshdnetcon.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * The HTTP side of the sink: one low-level {@link RestClient} (node failover, TLS, auth header,
 * timeouts) under the typed async client. Built inside the task, where secrets and the CA file are
 * read. Nothing here logs a secret.
 */
final class ElasticsearchConnection implements AutoCloseable {

    private final RestClient restClient;
    private final RestClientTransport transport;
    private final ElasticsearchAsyncClient client;
    private final String bulkTimeout;

    private ElasticsearchConnection(RestClient restClient, long socketTimeoutMillis) {
        this.restClient = restClient;
        this.transport = new RestClientTransport(restClient, new JacksonJsonpMapper());
        this.client = new ElasticsearchAsyncClient(transport);
        // Ask Elasticsearch to give up waiting for an unavailable shard well before our socket
        // timeout, so the answer is a per-item 503 we retry, not a silent hang.
        this.bulkTimeout = Math.max(1, socketTimeoutMillis / 2) + "ms";
    }

    static ElasticsearchConnection open(ElasticsearchSinkConfig config) {
        List<URI> hosts = config.hosts();
        HttpHost[] nodes = new HttpHost[hosts.size()];
        for (int i = 0; i < nodes.length; i++) {
            URI host = hosts.get(i);
            nodes[i] = new HttpHost(host.getHost(), host.getPort(), host.getScheme());
        }
        ElasticsearchSinkConfig.Timeouts timeouts = config.timeouts();
        int connectMillis = Math.toIntExact(timeouts.connect().toMillis());
        int socketMillis = Math.toIntExact(timeouts.socket().toMillis());
        SSLContext ssl = config.trust().sslContextOrNull();
        Optional<String> authorization = config.credentials().authorizationHeader();

        RestClientBuilder builder =
                RestClient.builder(nodes)
                        .setRequestConfigCallback(
                                request ->
                                        request.setConnectTimeout(connectMillis)
                                                .setConnectionRequestTimeout(connectMillis)
                                                .setSocketTimeout(socketMillis))
                        .setHttpClientConfigCallback(
                                http -> ssl == null ? http : http.setSSLContext(ssl));
        String pathPrefix = ElasticsearchSinkConfig.pathPrefix(hosts.get(0));
        if (!pathPrefix.isEmpty()) {
            builder.setPathPrefix(pathPrefix);
        }
        List<Header> headers = new ArrayList<>();
        // Preemptive: no 401 round trip per connection, and the same for API keys and passwords.
        authorization.ifPresent(value -> headers.add(new BasicHeader("Authorization", value)));
        builder.setDefaultHeaders(headers.toArray(Header[]::new));
        return new ElasticsearchConnection(builder.build(), socketMillis);
    }

    /**
     * {@code PUT _index_template/<name>} with the body as it is; fails with {@link
     * TemplateInstallException}.
     */
    CompletableFuture<Void> putIndexTemplate(String name, byte[] body) {
        Request request = new Request("PUT", "/_index_template/" + name);
        request.setJsonEntity(new String(body, StandardCharsets.UTF_8));
        CompletableFuture<Void> done = new CompletableFuture<>();
        restClient.performRequestAsync(
                request,
                new ResponseListener() {
                    @Override
                    public void onSuccess(Response response) {
                        done.complete(null);
                    }

                    @Override
                    public void onFailure(Exception e) {
                        done.completeExceptionally(new TemplateInstallException(name, e));
                    }
                });
        return done;
    }

    /**
     * One {@code create} per entry, each document's bytes copied into the body untouched. {@code
     * require_data_stream} makes a write fail instead of creating a plain, dynamically mapped index
     * if the template is missing.
     */
    CompletableFuture<BulkResponse> bulk(List<BulkCreate> entries) {
        List<BulkOperation> operations = new ArrayList<>(entries.size());
        for (BulkCreate entry : entries) {
            BinaryData document = BinaryData.of(entry.source(), ContentType.APPLICATION_JSON);
            operations.add(
                    BulkOperation.of(
                            op ->
                                    op.create(
                                            create ->
                                                    create.index(entry.index())
                                                            .id(entry.id())
                                                            .document(document))));
        }
        BulkRequest request =
                BulkRequest.of(
                        bulk ->
                                bulk.operations(operations)
                                        .requireDataStream(true)
                                        .timeout(t -> t.time(bulkTimeout)));
        return client.bulk(request);
    }

    @Override
    public void close() throws IOException {
        // Closes the RestClient and its I/O threads.
        transport.close();
    }
}
