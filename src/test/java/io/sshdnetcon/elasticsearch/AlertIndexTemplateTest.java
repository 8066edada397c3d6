package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertIndexTemplateTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ElasticsearchSinkConfig CONFIG =
            ElasticsearchSinkConfig.builder()
                    .host("http://127.0.0.1:9200")
                    .namespace("prod")
                    .template(new ElasticsearchSinkConfig.TemplateSettings(true, 0, 250))
                    .build();

    private static JsonNode body() throws Exception {
        return MAPPER.readTree(AlertIndexTemplate.body(CONFIG));
    }

    private static String type(JsonNode mappings, String dottedField) {
        JsonNode node = mappings;
        for (String part : dottedField.split("\\.")) {
            node = node.path("properties").path(part);
        }
        return node.path("type").asText(null);
    }

    @Test
    void targetsExactlyTheDataStream() throws Exception {
        JsonNode body = body();
        assertThat(AlertIndexTemplate.name(CONFIG)).isEqualTo("logs-sshdnetcon.alerts-prod");
        assertThat(body.get("index_patterns").toString())
                .isEqualTo("[\"logs-sshdnetcon.alerts-prod\"]");
        assertThat(body.get("data_stream").isObject()).isTrue();
        assertThat(body.get("data_stream").size()).isZero();
        assertThat(body.get("priority").asInt()).isEqualTo(250);
        assertThat(body.get("version").asInt()).isEqualTo(AlertIndexTemplate.VERSION);
        JsonNode index = body.at("/template/settings/index");
        assertThat(index.get("number_of_shards").asInt()).isEqualTo(1);
        assertThat(index.get("number_of_replicas").asInt()).isZero();
    }

    @Test
    void mapsTheEcsFieldsExplicitly() throws Exception {
        JsonNode mappings = body().at("/template/mappings");
        assertThat(mappings.get("dynamic").asBoolean(true)).isFalse();
        Map<String, String> expected =
                Map.ofEntries(
                        Map.entry("@timestamp", "date"),
                        Map.entry("message", "text"),
                        Map.entry("event.kind", "keyword"),
                        Map.entry("event.category", "keyword"),
                        Map.entry("event.type", "keyword"),
                        Map.entry("event.id", "keyword"),
                        Map.entry("event.dataset", "keyword"),
                        Map.entry("event.severity", "long"),
                        Map.entry("event.risk_score", "float"),
                        Map.entry("event.created", "date"),
                        Map.entry("event.ingested", "date"),
                        Map.entry("rule.id", "keyword"),
                        Map.entry("rule.uuid", "keyword"),
                        Map.entry("rule.name", "keyword"),
                        Map.entry("rule.description", "text"),
                        Map.entry("threat.framework", "keyword"),
                        Map.entry("threat.tactic.id", "keyword"),
                        Map.entry("threat.technique.subtechnique.id", "keyword"),
                        Map.entry("host.id", "keyword"),
                        Map.entry("host.name", "keyword"),
                        Map.entry("host.hostname", "keyword"),
                        Map.entry("host.ip", "ip"),
                        Map.entry("host.os.type", "keyword"),
                        Map.entry("process.entity_id", "keyword"),
                        Map.entry("process.name", "keyword"),
                        Map.entry("process.executable", "keyword"),
                        Map.entry("process.command_line", "keyword"),
                        Map.entry("process.pid", "long"),
                        Map.entry("process.parent.entity_id", "keyword"),
                        Map.entry("process.parent.executable", "keyword"),
                        Map.entry("process.parent.pid", "long"),
                        Map.entry("destination.ip", "ip"),
                        Map.entry("destination.port", "long"),
                        Map.entry("source.ip", "ip"),
                        Map.entry("source.port", "long"),
                        Map.entry("user.id", "keyword"),
                        Map.entry("user.name", "keyword"),
                        Map.entry("network.transport", "keyword"),
                        Map.entry("network.direction", "keyword"),
                        Map.entry("detection.exclusions_version", "long"),
                        Map.entry("detection.sequence_span_ms", "long"),
                        Map.entry("detection.exec_timestamp", "date"),
                        Map.entry("detection.exec_event_id", "keyword"),
                        Map.entry("Events", "object"));
        expected.forEach(
                (field, type) -> assertThat(type(mappings, field)).as(field).isEqualTo(type));
    }

    @Test
    void eventsAreStoredButNotIndexed() throws Exception {
        JsonNode events = body().at("/template/mappings/properties/Events");
        assertThat(events.get("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void destinationIpIsStrictWhileOtherAgentValuesMayBeMalformed() throws Exception {
        JsonNode p = body().at("/template/mappings/properties");
        assertThat(p.at("/destination/properties/ip/ignore_malformed").asBoolean(true)).isFalse();
        assertThat(p.at("/source/properties/ip/ignore_malformed").asBoolean()).isTrue();
        assertThat(p.at("/host/properties/ip/ignore_malformed").asBoolean()).isTrue();
        assertThat(p.at("/destination/properties/port/ignore_malformed").asBoolean()).isTrue();
    }

    @Test
    void usesOnlyTypesTheIntegTestDistributionHas() throws Exception {
        Set<String> types = new HashSet<>();
        collectTypes(body().at("/template/mappings"), types);
        assertThat(types).containsOnly("date", "text", "keyword", "long", "float", "ip", "object");
    }

    private static void collectTypes(JsonNode node, Set<String> types) {
        if (node.isObject()) {
            JsonNode type = node.get("type");
            if (type != null && type.isTextual()) {
                types.add(type.asText());
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collectTypes(it.next(), types);
            }
        }
    }
}
