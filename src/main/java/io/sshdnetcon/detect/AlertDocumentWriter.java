package io.sshdnetcon.detect;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.sshdnetcon.event.JsonReadLimits;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.rule.RuleMetadata.ThreatItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the ECS alert document for a {@link SequenceMatch}: rule and MITRE ATT&CK metadata, the
 * network event's {@code host}, {@code process}, {@code destination}, {@code source}, {@code user}
 * and {@code network}, and both original events under {@code Events}. Shaped so Elastic's "External
 * Alerts" rule ({@code event.kind:alert} in {@code logs-*}) can promote it.
 *
 * <p>{@code @timestamp} is the network event's time, not the detection time: it is what the analyst
 * needs, and it keeps a replay's documents identical apart from {@code event.created} and {@code
 * event.ingested}.
 */
public final class AlertDocumentWriter {

    /** ECS namespaces copied from the network event. */
    static final List<String> COPIED_NAMESPACES =
            List.of("host", "process", "destination", "source", "user", "network");

    /**
     * Reads events the parser already accepted, so with the parser's limits; strings and documents
     * only up to the largest record size allowed, because the parser does not decode the strings it
     * skips. Alerts are rare, so no symbol table: nothing for colliding keys to refuse.
     */
    private static final ObjectMapper MAPPER =
            JsonMapper.builder(
                            JsonReadLimits.factory(
                                    JsonReadLimits.MAX_DOCUMENT_BYTES,
                                    JsonReadLimits.MAX_DOCUMENT_BYTES,
                                    false))
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final RuleMetadata rule;

    public AlertDocumentWriter(RuleMetadata rule) {
        this.rule = rule;
    }

    /**
     * @param detectedAt when the detection happened (epoch ms), for {@code event.created} and
     *     {@code event.ingested}
     * @throws IOException if an event's bytes are not a JSON object within {@link JsonReadLimits}
     *     (they were validated on the way in, so this means corruption)
     */
    public AlertDocument write(SequenceMatch match, long detectedAt) throws IOException {
        RuleEvent exec = match.exec();
        RuleEvent connect = match.connect();
        ObjectNode execTree = EcsObjects.expandDots(parseObject(exec.raw()));
        ObjectNode networkTree = EcsObjects.expandDots(parseObject(connect.raw()));
        String id = AlertIds.of(rule.ruleId(), exec, connect);

        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("@timestamp", iso(connect.timestamp()));
        doc.put("message", rule.name());

        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.putArray("category").add("network");
        event.putArray("type").add("start");
        event.put("severity", rule.riskScore());
        event.put("risk_score", rule.riskScore());
        event.put("id", id);
        event.put("created", iso(detectedAt));
        event.put("ingested", iso(detectedAt));
        event.put("reason", reason(execTree, networkTree, match.spanMillis()));

        writeRule(doc.putObject("rule"));
        writeThreat(doc.putObject("threat"));

        for (String namespace : COPIED_NAMESPACES) {
            JsonNode value = networkTree.get(namespace);
            if (value != null) {
                doc.set(namespace, value);
            }
        }

        ObjectNode detection = doc.putObject("detection");
        detection.put("exclusions_version", connect.exclusionsVersion());
        detection.put("sequence_span_ms", match.spanMillis());
        detection.put("exec_timestamp", iso(exec.timestamp()));
        detection.put("exec_event_id", exec.eventId());
        detection.put("network_event_id", connect.eventId());
        // How long after its own @timestamp each event arrived: a host whose clock is off shows
        // here as a large delay (clock behind) or a negative one (clock ahead).
        putIfKnown(detection, "exec_arrival_delay_ms", exec.arrivalDelayMs());
        putIfKnown(detection, "network_arrival_delay_ms", connect.arrivalDelayMs());

        ArrayNode events = doc.putArray("Events");
        events.addRawValue(rawJson(exec.raw()));
        events.addRawValue(rawJson(connect.raw()));

        return new AlertDocument(id, connect.timestamp(), MAPPER.writeValueAsBytes(doc));
    }

    /** Events restored from savepoints older than 0.2.0 carry no delay: the field is left out. */
    private static void putIfKnown(ObjectNode node, String field, Long value) {
        if (value != null) {
            node.put(field, value.longValue());
        }
    }

    private void writeRule(ObjectNode node) {
        node.put("id", rule.ruleId());
        node.put("uuid", rule.ruleId());
        node.put("name", rule.name());
        node.put("version", rule.version());
        node.put("description", rule.description());
        node.put("category", rule.category());
        node.put("ruleset", rule.ruleset());
        node.put("license", rule.license());
        ArrayNode authors = node.putArray("author");
        rule.author().forEach(authors::add);
        ArrayNode references = node.putArray("reference");
        rule.reference().forEach(references::add);
    }

    private void writeThreat(ObjectNode node) {
        RuleMetadata.Threat threat = rule.threat();
        node.put("framework", threat.framework());
        writeThreatLevel(node.putObject("tactic"), threat.tactics());
        ObjectNode technique = node.putObject("technique");
        writeThreatLevel(technique, threat.techniques());
        writeThreatLevel(technique.putObject("subtechnique"), threat.subtechniques());
    }

    /** ECS keeps each ATT&CK level as parallel keyword arrays (id, name, reference). */
    private static void writeThreatLevel(ObjectNode node, List<ThreatItem> items) {
        addEach(node.putArray("id"), items, ThreatItem::id);
        addEach(node.putArray("name"), items, ThreatItem::name);
        addEach(node.putArray("reference"), items, ThreatItem::reference);
    }

    private static void addEach(
            ArrayNode array, List<ThreatItem> items, Function<ThreatItem, String> field) {
        items.forEach(item -> array.add(field.apply(item)));
    }

    private static String reason(ObjectNode exec, ObjectNode network, long spanMillis) {
        return "sshd started "
                + orUnknown(EcsObjects.text(exec, "process.executable"))
                + " and its child "
                + orUnknown(EcsObjects.text(network, "process.executable"))
                + " attempted a connection to "
                + orUnknown(EcsObjects.text(network, "destination.ip"))
                + portSuffix(EcsObjects.text(network, "destination.port"))
                + " "
                + spanMillis
                + " ms later";
    }

    private static String portSuffix(String port) {
        return port == null ? "" : " port " + port;
    }

    private static String orUnknown(String value) {
        return value == null ? "(unknown)" : value;
    }

    private static ObjectNode parseObject(byte[] raw) throws IOException {
        JsonNode node = MAPPER.readTree(raw);
        if (node == null || !node.isObject()) {
            throw new IOException("event bytes are not a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * The event as received, minus surrounding whitespace and a byte-order mark, and with line
     * breaks turned into spaces: the alert must stay one line in NDJSON output and in Elasticsearch
     * bulk bodies, and in valid JSON a raw CR or LF can only be whitespace between tokens (inside
     * strings they must be escaped), so the JSON value is unchanged.
     */
    private static RawValue rawJson(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1).strip();
        }
        return new RawValue(text.replace('\r', ' ').replace('\n', ' '));
    }

    static String iso(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }
}
