package io.sshdnetcon.elasticsearch;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.detect.AlertDocumentWriter;
import io.sshdnetcon.detect.SequenceMatch;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.SpecEvents;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Real alert documents, built by the job's own {@link AlertDocumentWriter} from the example events
 * of {@code docs/semantics.md}: sshd starts bash on host {@code host}, and bash's child curl
 * connects to {@code destinationIp}:443 500 ms later.
 */
final class TestAlerts {

    static final long DETECTED_AT = SpecEvents.BEGINNING.toEpochMilli() + 7_250;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestAlerts() {}

    /**
     * @param key makes the event ids, and so the alert id, unique
     */
    static AlertDocument alert(String key, String host, String destinationIp) {
        RuleEvent e = parse(exec("E-" + key).host(host).at(0));
        RuleEvent n = parse(connect("N-" + key).host(host).at(500).destination(destinationIp));
        try {
            return new AlertDocumentWriter(RuleMetadata.get())
                    .write(new SequenceMatch(e, n.withExclusionsVersion(1)), DETECTED_AT);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A valid alert whose {@code destination.ip} is then replaced (the job itself would refuse it).
     */
    static AlertDocument withDestinationIp(AlertDocument alert, String value) {
        try {
            ObjectNode doc = (ObjectNode) MAPPER.readTree(alert.json());
            ((ObjectNode) doc.get("destination")).put("ip", value);
            return new AlertDocument(alert.id(), alert.timestamp(), MAPPER.writeValueAsBytes(doc));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static RuleEvent parse(SpecEvents.Builder event) {
        RuleEvent parsed = new EcsEventParser().parse(event.bytes(), "test", -1, 1).event();
        if (parsed == null) {
            throw new IllegalArgumentException("not a rule event: " + event);
        }
        return parsed;
    }
}
