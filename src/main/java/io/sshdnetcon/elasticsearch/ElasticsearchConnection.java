package io.sshdnetcon.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
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

    private static final ObjectMapper JSON = new ObjectMapper();

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
        return new ElasticsearchConnection(
                restClient(config, config.hosts()), config.timeouts().socket().toMillis());
    }

    /**
     * A low-level client for {@code hosts} with the sink's TLS trust, host-name check, credentials
     * and timeouts. The start-up check uses it too, one host at a time.
     */
    static RestClient restClient(ElasticsearchSinkConfig config, List<URI> hosts) {
        return restClient(config, hosts, config.credentials().authorizationHeader());
    }

    /** The same with the {@code Authorization} header given (or none). */
    static RestClient restClient(
            ElasticsearchSinkConfig config, List<URI> hosts, Optional<String> authorization) {
        HttpHost[] nodes = new HttpHost[hosts.size()];
        for (int i = 0; i < nodes.length; i++) {
            URI host = hosts.get(i);
            nodes[i] = new HttpHost(host.getHost(), host.getPort(), host.getScheme());
        }
        ElasticsearchSinkConfig.Timeouts timeouts = config.timeouts();
        int connectMillis = Math.toIntExact(timeouts.connect().toMillis());
        int socketMillis = Math.toIntExact(timeouts.socket().toMillis());
        SSLContext ssl = config.trust().sslContextOrNull();

        RestClientBuilder builder =
                RestClient.builder(nodes)
                        .setRequestConfigCallback(
                                request ->
                                        request.setConnectTimeout(connectMillis)
                                                .setConnectionRequestTimeout(connectMillis)
                                                .setSocketTimeout(socketMillis))
                        .setHttpClientConfigCallback(
                                http -> {
                                    if (ssl != null) {
                                        http.setSSLContext(ssl);
                                    }
                                    // The client's default already checks the name against the
                                    // certificate's subjectAltName after the handshake, before
                                    // the request (and its Authorization header) is written;
                                    // set it explicitly so that no default can change it.
                                    return http.setSSLHostnameVerifier(
                                            new DefaultHostnameVerifier());
                                });
        String pathPrefix = ElasticsearchSinkConfig.pathPrefix(hosts.get(0));
        if (!pathPrefix.isEmpty()) {
            builder.setPathPrefix(pathPrefix);
        }
        List<Header> headers = new ArrayList<>();
        // Preemptive: no 401 round trip per connection, and the same for API keys and passwords.
        // Never over plain http unless es.allow-credentials-over-http says so (config validation).
        authorization.ifPresent(value -> headers.add(new BasicHeader("Authorization", value)));
        builder.setDefaultHeaders(headers.toArray(Header[]::new));
        return builder.build();
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
     * Checks that {@code templateName} is the template Elasticsearch would apply to {@code
     * dataStream}. Another template with a higher priority and a matching pattern would silently
     * win, and alerts would get dynamic mappings (no {@code ip} type, no keyword ids). Fails with
     * {@link TemplateInstallException} naming the competitors.
     */
    CompletableFuture<Void> requireTemplateApplies(String templateName, String dataStream) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        restClient.performRequestAsync(
                new Request("POST", "/_index_template/_simulate_index/" + dataStream),
                new ResponseListener() {
                    @Override
                    public void onSuccess(Response response) {
                        try {
                            JsonNode answer = JSON.readTree(response.getEntity().getContent());
                            // "overlapping" lists matching templates that lost to the one applied.
                            for (JsonNode lost : answer.path("overlapping")) {
                                if (templateName.equals(lost.path("name").asText())) {
                                    // Naming the competitors takes another request; not on this
                                    // I/O thread.
                                    CompletableFuture.runAsync(
                                            () ->
                                                    done.completeExceptionally(
                                                            shadowed(templateName, dataStream)));
                                    return;
                                }
                            }
                            done.complete(null);
                        } catch (IOException e) {
                            done.completeExceptionally(
                                    new TemplateInstallException(templateName, e));
                        }
                    }

                    @Override
                    public void onFailure(Exception e) {
                        done.completeExceptionally(new TemplateInstallException(templateName, e));
                    }
                });
        return done;
    }

    private TemplateInstallException shadowed(String templateName, String dataStream) {
        List<String> competitors = new ArrayList<>();
        try {
            JsonNode all =
                    JSON.readTree(
                            restClient
                                    .performRequest(new Request("GET", "/_index_template"))
                                    .getEntity()
                                    .getContent());
            for (JsonNode t : all.path("index_templates")) {
                String name = t.path("name").asText();
                for (JsonNode pattern : t.at("/index_template/index_patterns")) {
                    if (!name.equals(templateName) && globMatches(pattern.asText(), dataStream)) {
                        competitors.add(
                                name
                                        + " (priority "
                                        + t.at("/index_template/priority").asLong(0)
                                        + ")");
                    }
                }
            }
        } catch (IOException e) {
            competitors.add("unknown: " + e.getMessage());
        }
        return new TemplateInstallException(
                templateName,
                new IllegalStateException(
                        "it is installed but does not apply to "
                                + dataStream
                                + ": a template with a higher priority matches it "
                                + competitors
                                + "; raise es.template.priority above theirs or remove them"));
    }

    /** Elasticsearch index patterns: '*' matches any run of characters. */
    static boolean globMatches(String pattern, String name) {
        String regex = java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q");
        return name.matches(regex);
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
