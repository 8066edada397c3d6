package io.sshdnetcon.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The composable index template for the alert data stream: explicit ECS mappings from {@code
 * elasticsearch/alert-mappings.json} (root {@code dynamic: false}, so an agent's unexpected field
 * is kept in {@code _source} but can never cause a mapping conflict), one shard, configurable
 * replicas, and a priority above the built-in {@code logs-*-*} template.
 *
 * <p>The pattern is the data stream's exact name, so jobs writing other namespaces keep their own
 * settings. Only mapping types the reduced integ-test distribution also has are used (no {@code
 * constant_keyword}, {@code wildcard}, {@code match_only_text}). Agent-supplied numbers and
 * addresses other than {@code destination.ip} are {@code ignore_malformed}, so a strange value
 * costs that field's index entry, not the alert; {@code destination.ip} was validated by the job
 * and must stay queryable by CIDR.
 */
public final class AlertIndexTemplate {

    /** Bumped with every change to the body, visible as the template's {@code version}. */
    public static final int VERSION = 1;

    static final String MAPPINGS_RESOURCE = "/elasticsearch/alert-mappings.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertIndexTemplate() {}

    /** The template is named after the data stream it shapes. */
    public static String name(ElasticsearchSinkConfig config) {
        return config.dataStream();
    }

    /** The {@code PUT _index_template/<name>} body. */
    public static byte[] body(ElasticsearchSinkConfig config) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putArray("index_patterns").add(config.dataStream());
        root.putObject("data_stream");
        root.put("priority", config.template().priority());
        root.put("version", VERSION);
        ObjectNode meta = root.putObject("_meta");
        meta.put("managed_by", "sshdnetcon");
        meta.put("description", "Alerts of the SSHD child network connection detector");

        ObjectNode template = root.putObject("template");
        ObjectNode index = template.putObject("settings").putObject("index");
        index.put("number_of_shards", 1);
        index.put("number_of_replicas", config.template().replicas());
        template.set("mappings", mappings());
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }

    static JsonNode mappings() {
        try (InputStream in = AlertIndexTemplate.class.getResourceAsStream(MAPPINGS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(MAPPINGS_RESOURCE + " is missing from the jar");
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MAPPINGS_RESOURCE, e);
        }
    }
}
