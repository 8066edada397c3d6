package io.sshdnetcon.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers for ECS documents held as Jackson trees. */
final class EcsObjects {

    private EcsObjects() {}

    /**
     * A copy of {@code source} with dotted keys expanded into nested objects ({@code
     * {"process.name": "x"}} becomes {@code {"process": {"name": "x"}}}), so an alert can copy
     * whole ECS namespaces whichever spelling the agent used. A path written twice becomes a
     * multi-valued field, as in Elasticsearch; a dotted key that would overwrite a value of another
     * shape is kept as it was.
     */
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

    /** The text at a dotted path of an expanded document, or null. */
    static String text(ObjectNode document, String dottedPath) {
        JsonNode node = document;
        for (String segment : dottedPath.split("\\.")) {
            node = node.path(segment);
        }
        if (node.isArray() && node.size() > 0) {
            node = node.get(0);
        }
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
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
