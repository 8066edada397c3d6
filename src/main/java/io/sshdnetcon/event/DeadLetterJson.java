package io.sshdnetcon.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The file form of a dead letter: one JSON object per line. The original bytes go in {@code
 * payload} when they are valid UTF-8 and in {@code payload_base64} otherwise, so they can always be
 * recovered exactly.
 */
public final class DeadLetterJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static byte[] encode(DeadLetter letter) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("@timestamp", Instant.ofEpochMilli(letter.timestamp()).toString());
        node.put("reason", letter.reason().code());
        node.put("detail", letter.detail());
        node.put("source", letter.source());
        node.put("partition", letter.partition());
        node.put("offset", letter.offset());
        String text = utf8OrNull(letter.payload());
        if (text != null) {
            node.put("payload", text);
        } else {
            node.put("payload_base64", Base64.getEncoder().encodeToString(letter.payload()));
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
