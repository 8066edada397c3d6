package io.sshdnetcon.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.event.JsonReadLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EcsObjectsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] KEYS = {
        "a", "b", "c", "a.b", "a.c", "b.a", "a.b.c", "a.b.a", "a..b", ".a", "a.", ".", "c.a.b"
    };

    @Test
    void expandsLikeTheRecursiveDefinitionOnRandomDocuments() throws IOException {
        SplittableRandom random = new SplittableRandom(2026);
        for (int i = 0; i < 20_000; i++) {
            ObjectNode doc = randomObject(random, 0);
            ObjectNode expected = RecursiveExpansion.expandDots(doc.deepCopy());
            ObjectNode actual = EcsObjects.expandDots(doc);
            // toString compares key order too: the alert document must not change byte for byte.
            assertThat(actual.toString()).as(doc.toString()).isEqualTo(expected.toString());
        }
    }

    @Test
    void examples() throws IOException {
        assertThat(expand("{\"process.name\":\"x\",\"process\":{\"pid\":1}}"))
                .isEqualTo("{\"process\":{\"name\":\"x\",\"pid\":1}}");
        assertThat(expand("{\"process.name\":\"a\",\"process\":{\"name\":\"b\"}}"))
                .isEqualTo("{\"process\":{\"name\":[\"a\",\"b\"]}}");
        assertThat(expand("{\"process.name\":\"x\",\"process\":\"scalar\"}"))
                .isEqualTo("{\"process\":[{\"name\":\"x\"},\"scalar\"]}");
        assertThat(expand("{\"process\":\"scalar\",\"process.name\":\"x\"}"))
                .isEqualTo("{\"process\":\"scalar\",\"process.name\":\"x\"}");
        assertThat(expand("{\"a..b\":1,\".a\":2,\"a.\":3,\".\":4}"))
                .isEqualTo("{\"a..b\":1,\".a\":2,\"a.\":3,\".\":4}");
    }

    @Test
    void aPathAtTheDepthLimitExpandsAndOneDeeperIsRefused() throws IOException {
        int max = JsonReadLimits.MAX_NESTING_DEPTH;
        ObjectNode atLimit = JsonNodeFactory.instance.objectNode();
        atLimit.put(String.join(".", Collections.nCopies(max, "a")), 1);
        JsonNode node = EcsObjects.expandDots(atLimit);
        for (int i = 0; i < max; i++) {
            node = node.get("a");
        }
        assertThat(node.asInt()).isEqualTo(1);

        ObjectNode nested = JsonNodeFactory.instance.objectNode();
        nested.putObject("x").put(String.join(".", Collections.nCopies(max, "a")), 1);
        assertThatThrownBy(() -> EcsObjects.expandDots(nested))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("deeper than 100");
    }

    @Test
    void theIssue13KeyIsRefusedWithoutRecursion() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put(String.join(".", Collections.nCopies(25_000, "a")), 1);
        assertThatThrownBy(() -> EcsObjects.expandDots(doc)).isInstanceOf(IOException.class);
    }

    private static String expand(String json) throws IOException {
        return EcsObjects.expandDots((ObjectNode) MAPPER.readTree(json)).toString();
    }

    private static ObjectNode randomObject(SplittableRandom random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(depth == 0 ? 1 : 0, 5);
        for (int i = 0; i < fields; i++) {
            node.set(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
        }
        return node;
    }

    private static JsonNode randomValue(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth >= 4 ? 3 : 5);
        return switch (kind) {
            case 0 -> JsonNodeFactory.instance.numberNode(random.nextInt(10));
            case 1 -> JsonNodeFactory.instance.textNode("s" + random.nextInt(5));
            case 2 -> JsonNodeFactory.instance.nullNode();
            case 3 -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
            default -> randomObject(random, depth);
        };
    }

    /** The expansion as first written, recursively: the reference the iterative one must match. */
    private static final class RecursiveExpansion {

        static ObjectNode expandDots(ObjectNode source) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : source.properties()) {
                JsonNode value =
                        field.getValue().isObject()
                                ? expandDots((ObjectNode) field.getValue())
                                : field.getValue();
                String[] path = field.getKey().split("\\.", -1);
                if (path.length == 1 || hasEmptySegment(path) || !place(out, path, 0, value)) {
                    merge(out, field.getKey(), value);
                }
            }
            return out;
        }

        private static boolean place(ObjectNode target, String[] path, int index, JsonNode value) {
            if (index == path.length - 1) {
                merge(target, path[index], value);
                return true;
            }
            JsonNode next = target.get(path[index]);
            if (next == null) {
                next = target.putObject(path[index]);
            } else if (!next.isObject()) {
                return false;
            }
            return place((ObjectNode) next, path, index + 1, value);
        }

        private static void merge(ObjectNode target, String key, JsonNode value) {
            JsonNode existing = target.get(key);
            if (existing == null) {
                target.set(key, value);
            } else if (existing.isObject() && value.isObject()) {
                for (Map.Entry<String, JsonNode> inner : value.properties()) {
                    merge((ObjectNode) existing, inner.getKey(), inner.getValue());
                }
            } else {
                List<JsonNode> values = new ArrayList<>();
                addAll(values, existing);
                addAll(values, value);
                ArrayNode combined = target.putArray(key);
                combined.addAll(values);
            }
        }

        private static void addAll(List<JsonNode> values, JsonNode node) {
            if (node.isArray()) {
                node.forEach(values::add);
            } else {
                values.add(node);
            }
        }

        private static boolean hasEmptySegment(String[] path) {
            for (String segment : path) {
                if (segment.isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }
}
