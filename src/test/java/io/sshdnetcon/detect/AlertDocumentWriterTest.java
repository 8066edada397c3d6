package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.SpecEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertDocumentWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long DETECTED_AT =
            Instant.parse("2026-01-05T10:00:07.250Z").toEpochMilli();

    private final AlertDocumentWriter writer = new AlertDocumentWriter(RuleMetadata.get());

    private static RuleEvent parse(SpecEvents.Builder b) {
        return new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
    }

    private static SequenceMatch match(SpecEvents.Builder e, SpecEvents.Builder n) {
        return new SequenceMatch(parse(e), parse(n).withExclusionsVersion(5));
    }

    @Test
    void writesTheEcsAlert() throws Exception {
        AlertDocument alert = writer.write(match(exec("E1"), connect("N1").at(500)), DETECTED_AT);
        JsonNode doc = MAPPER.readTree(alert.json());

        assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-01-05T10:00:00.500Z");
        assertThat(alert.timestamp()).isEqualTo(SpecEvents.BEGINNING.toEpochMilli() + 500);
        assertThat(doc.get("message").asText())
                .isEqualTo("Network Connection Initiated by SSHD Child Process");

        JsonNode event = doc.get("event");
        assertThat(event.get("kind").asText()).isEqualTo("alert");
        assertThat(event.get("category").toString()).isEqualTo("[\"network\"]");
        assertThat(event.get("type").toString()).isEqualTo("[\"start\"]");
        assertThat(event.get("severity").asInt()).isEqualTo(47);
        assertThat(event.get("risk_score").asInt()).isEqualTo(47);
        assertThat(event.get("id").asText()).isEqualTo(alert.id());
        assertThat(event.get("ingested").asText()).isEqualTo("2026-01-05T10:00:07.250Z");
        assertThat(event.get("created").asText()).isEqualTo("2026-01-05T10:00:07.250Z");
        assertThat(event.get("reason").asText())
                .isEqualTo(
                        "sshd started /usr/bin/bash and its child /usr/bin/curl attempted a"
                                + " connection to 8.8.8.8 port 443 500 ms later");

        JsonNode rule = doc.get("rule");
        assertThat(rule.get("id").asText()).isEqualTo("63431796-f813-43af-820b-492ee2efec8e");
        assertThat(rule.get("uuid").asText()).isEqualTo("63431796-f813-43af-820b-492ee2efec8e");
        assertThat(rule.get("name").asText()).isEqualTo(doc.get("message").asText());
        assertThat(rule.get("version").asText()).isEqualTo("4");
        assertThat(rule.get("license").asText()).isEqualTo("Elastic License v2");
        assertThat(rule.get("author").toString()).isEqualTo("[\"Elastic\"]");
        assertThat(rule.get("reference").get(0).asText())
                .isEqualTo("https://hadess.io/the-art-of-linux-persistence/");
        assertThat(rule.get("description").asText()).isNotBlank();
        assertThat(rule.get("ruleset").asText()).isNotBlank();

        JsonNode threat = doc.get("threat");
        assertThat(threat.get("framework").asText()).isEqualTo("MITRE ATT&CK");
        assertThat(threat.at("/tactic/id").toString())
                .isEqualTo("[\"TA0003\",\"TA0008\",\"TA0011\"]");
        assertThat(threat.at("/tactic/name").toString())
                .isEqualTo("[\"Persistence\",\"Lateral Movement\",\"Command and Control\"]");
        assertThat(threat.at("/technique/id").toString())
                .isEqualTo("[\"T1546\",\"T1021\",\"T1563\"]");
        assertThat(threat.at("/technique/subtechnique/id").toString())
                .isEqualTo("[\"T1546.004\",\"T1021.004\",\"T1563.001\"]");
        assertThat(threat.at("/technique/subtechnique/reference/0").asText())
                .isEqualTo("https://attack.mitre.org/techniques/T1546/004/");

        // ECS namespaces come from the network event.
        assertThat(doc.at("/host/id").asText()).isEqualTo("h1");
        assertThat(doc.at("/process/name").asText()).isEqualTo("curl");
        assertThat(doc.at("/process/parent/entity_id").asText()).isEqualTo("X");
        assertThat(doc.at("/destination/ip").asText()).isEqualTo("8.8.8.8");
        assertThat(doc.at("/destination/port").asInt()).isEqualTo(443);
        assertThat(doc.at("/source/ip").asText()).isEqualTo("10.1.1.5");
        assertThat(doc.at("/user/name").asText()).isEqualTo("alice");
        assertThat(doc.at("/network/transport").asText()).isEqualTo("tcp");

        assertThat(doc.at("/detection/exclusions_version").asLong()).isEqualTo(5);
        assertThat(doc.at("/detection/sequence_span_ms").asLong()).isEqualTo(500);
        assertThat(doc.at("/detection/exec_event_id").asText()).isEqualTo("E1");
        assertThat(doc.at("/detection/network_event_id").asText()).isEqualTo("N1");
        assertThat(doc.at("/detection").has("exec_arrival_delay_ms"))
                .as("no arrival delay known for these events")
                .isFalse();
        assertThat(doc.at("/detection").has("network_arrival_delay_ms")).isFalse();
    }

    /** A host whose clock is an hour ahead shows as a negative delay on both events. */
    @Test
    void carriesEachEventsArrivalDelay() throws Exception {
        SequenceMatch match =
                new SequenceMatch(
                        parse(exec("E1")).withArrivalDelay(-3_599_800),
                        parse(connect("N1").at(500)).withArrivalDelay(-3_600_100));

        JsonNode doc = MAPPER.readTree(writer.write(match, DETECTED_AT).json());

        assertThat(doc.at("/detection/exec_arrival_delay_ms").asLong()).isEqualTo(-3_599_800);
        assertThat(doc.at("/detection/network_arrival_delay_ms").asLong()).isEqualTo(-3_600_100);
    }

    @Test
    void eventsHoldBothOriginalsExecFirst() throws Exception {
        SpecEvents.Builder e = exec("E1");
        SpecEvents.Builder n = connect("N1").at(500);
        JsonNode doc = MAPPER.readTree(writer.write(match(e, n), DETECTED_AT).json());

        assertThat(doc.get("Events")).hasSize(2);
        assertThat(doc.get("Events").get(0)).isEqualTo(MAPPER.readTree(e.json()));
        assertThat(doc.get("Events").get(1)).isEqualTo(MAPPER.readTree(n.json()));
    }

    @Test
    void embedsTheOriginalBytesVerbatim() throws Exception {
        String exec =
                "{ \"@timestamp\" : \"2026-01-05T10:00:00Z\",\"event\":{\"id\":\"E\","
                    + "\"category\":\"process\",\"type\":\"start\",\"action\":\"exec\"},"
                    + "\"host\":{\"id\":\"h1\",\"os\":{\"type\":\"linux\"}},\"process\":{\"entity_id\":\"X\",\"parent\":{\"executable\":\"/usr/sbin/sshd\"}}"
                    + " , \"note\" : 1.50 }";
        RuleEvent e = new EcsEventParser().parse(exec.getBytes(), "t", -1, 1).event();
        AlertDocument alert = writer.write(new SequenceMatch(e, parse(connect("N"))), DETECTED_AT);
        assertThat(new String(alert.json())).contains("\"Events\":[" + exec + ",");
    }

    @Test
    void expandsDottedKeysOfTheNetworkEvent() throws Exception {
        String network =
                "{\"@timestamp\":\"2026-01-05T10:00:00.500Z\",\"event.id\":\"N\","
                    + "\"event.category\":\"network\",\"event.type\":\"start\","
                    + "\"event.action\":\"connection_attempted\",\"host.id\":\"h1\",\"host.os.type\":\"linux\","
                    + "\"process.name\":\"curl\",\"process.parent.entity_id\":\"X\","
                    + "\"process\":{\"pid\":7},\"destination.ip\":\"8.8.8.8\"}";
        RuleEvent n = new EcsEventParser().parse(network.getBytes(), "t", -1, 1).event();
        JsonNode doc =
                MAPPER.readTree(
                        writer.write(new SequenceMatch(parse(exec("E")), n), DETECTED_AT).json());

        assertThat(doc.at("/process/name").asText()).isEqualTo("curl");
        assertThat(doc.at("/process/pid").asInt()).isEqualTo(7);
        assertThat(doc.at("/process/parent/entity_id").asText()).isEqualTo("X");
        assertThat(doc.at("/host/os/type").asText()).isEqualTo("linux");
        assertThat(doc.at("/destination/ip").asText()).isEqualTo("8.8.8.8");
    }

    @Test
    void theIdDependsOnlyOnTheRuleAndTheTwoEvents() throws Exception {
        AlertDocument first = writer.write(match(exec("E1"), connect("N1").at(500)), DETECTED_AT);
        AlertDocument again =
                writer.write(match(exec("E1"), connect("N1").at(500)), DETECTED_AT + 99_000);
        AlertDocument otherNetwork =
                writer.write(match(exec("E1"), connect("N2").at(500)), DETECTED_AT);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(otherNetwork.id()).isNotEqualTo(first.id());
        assertThat(first.id()).matches("[0-9a-f]{64}");
    }

    @Test
    void aPrettyPrintedEventStaysOnOneLineSoBulkBodiesAndNdjsonStayIntact() throws Exception {
        // Valid JSON from Kafka may be pretty-printed; a raw CR or LF can only be whitespace there.
        String pretty =
                exec("E1")
                        .json()
                        .replace(",\"event\":", ",\r\n  \"event\":")
                        .replace("{\"id\"", "{\n\t\"id\"");
        RuleEvent e = new EcsEventParser().parse(pretty.getBytes(), "t", -1, 1).event();
        AlertDocument alert = writer.write(new SequenceMatch(e, parse(connect("N1"))), DETECTED_AT);

        String json = new String(alert.json());
        assertThat(json).doesNotContain("\n").doesNotContain("\r");
        assertThat(MAPPER.readTree(alert.json()).at("/Events/0"))
                .isEqualTo(MAPPER.readTree(pretty));
    }
}
