package io.sshdnetcon.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void keepsTextPayloadsReadable() throws Exception {
        DeadLetter letter =
                new DeadLetter(
                        DeadLetterReason.NOT_JSON,
                        "Unrecognized token",
                        "not json \u00e4".getBytes(StandardCharsets.UTF_8),
                        "events.ndjson",
                        -1,
                        12,
                        0);
        JsonNode json = MAPPER.readTree(DeadLetterJson.encode(letter));

        assertThat(json.get("reason").asText()).isEqualTo("not_json");
        assertThat(json.get("detail").asText()).isEqualTo("Unrecognized token");
        assertThat(json.get("payload").asText()).isEqualTo("not json \u00e4");
        assertThat(json.get("source").asText()).isEqualTo("events.ndjson");
        assertThat(json.get("offset").asLong()).isEqualTo(12);
        assertThat(json.get("@timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(json.has("payload_base64")).isFalse();
    }

    @Test
    void keepsBinaryPayloadsExact() throws Exception {
        byte[] bytes = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        DeadLetter letter =
                new DeadLetter(DeadLetterReason.NOT_JSON, "bad utf-8", bytes, "k", 2, 9, 0);
        JsonNode json = MAPPER.readTree(DeadLetterJson.encode(letter));

        assertThat(json.has("payload")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("payload_base64").asText()))
                .isEqualTo(bytes);
    }
}
