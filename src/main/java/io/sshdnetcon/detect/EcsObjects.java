package io.sshdnetcon.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.event.JsonReadLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Helpers for ECS documents held as Jackson trees.
 *
 * <p>Nothing here recurses: a record's shape (nesting, dotted keys of thousands of segments) must
 * never decide how deep a thread's stack grows.
 */
final class EcsObjects {

    private EcsObjects() {}

    /**
     * A copy of {@code source} with dotted keys expanded into nested objects ({@code
     * {"process.name": "x"}} becomes {@code {"process": {"name": "x"}}}), so an alert can copy
     * whole ECS namespaces whichever spelling the agent used. A path written twice becomes a
     * multi-valued field, as in Elasticsearch; a dotted key that would overwrite a value of another
     * shape is kept as it was.
     *
     * @throws IOException if a field path (objects and dotted segments) is deeper than {@link
     *     JsonReadLimits#MAX_NESTING_DEPTH}: the parser refuses such events, and serializing the
     *     expanded tree would recurse once per level
     */
    static ObjectNode expandDots(ObjectNode source) throws IOException {
        // Each frame expands one object after its children, as a recursion would: a child
        // object's expansion is placed under its key when its frame ends.
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        Frame root = new Frame(source, 0, null, null);
        stack.push(root);
        while (true) {
            Frame frame = stack.peek();
            if (frame.fields.hasNext()) {
                Map.Entry<String, JsonNode> field = frame.fields.next();
                String[] path = field.getKey().split("\\.", -1);
                int depth = frame.depth + path.length;
                if (depth > JsonReadLimits.MAX_NESTING_DEPTH) {
                    throw new IOException(
                            "a field path is deeper than "
                                    + JsonReadLimits.MAX_NESTING_DEPTH
                                    + " segments");
                }
                JsonNode value = field.getValue();
                if (value.isObject()) {
                    stack.push(new Frame((ObjectNode) value, depth, frame, field.getKey()));
                } else {
                    place(frame.out, field.getKey(), path, value);
                }
                continue;
            }
            stack.pop();
            if (frame.parent == null) {
                return frame.out;
            }
            place(frame.parent.out, frame.key, frame.key.split("\\.", -1), frame.out);
        }
    }

    /** One object being expanded: its remaining fields and the expansion so far. */
    private static final class Frame {
        final Iterator<Map.Entry<String, JsonNode>> fields;
        final int depth;
        final Frame parent;
        final String key;
        final ObjectNode out = JsonNodeFactory.instance.objectNode();

        Frame(ObjectNode source, int depth, Frame parent, String key) {
            this.fields = source.properties().iterator();
            this.depth = depth;
            this.parent = parent;
            this.key = key;
        }
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

    /**
     * Puts {@code value} at {@code path} under {@code target}, creating objects on the way; where
     * the path is not a plain dotted one, or runs into a value that is not an object, the key is
     * kept as it was.
     */
    private static void place(ObjectNode target, String key, String[] path, JsonNode value) {
        if (path.length == 1 || hasEmptySegment(path)) {
            merge(target, key, value);
            return;
        }
        // Walk first, so nothing is created when the path is blocked.
        ObjectNode node = target;
        int i = 0;
        for (; i < path.length - 1; i++) {
            JsonNode next = node.get(path[i]);
            if (next == null) {
                break;
            }
            if (!next.isObject()) {
                merge(target, key, value);
                return;
            }
            node = (ObjectNode) next;
        }
        for (; i < path.length - 1; i++) {
            node = node.putObject(path[i]);
        }
        merge(node, path[path.length - 1], value);
    }

    /**
     * Adds {@code value} under {@code key}: objects merge key by key, anything else becomes a
     * multi-valued field. Merges of nested objects are queued rather than recursed; each target
     * object still receives its keys in source order.
     */
    private static void merge(ObjectNode target, String key, JsonNode value) {
        ArrayDeque<Merge> pending = new ArrayDeque<>();
        pending.add(new Merge(target, key, value));
        while (!pending.isEmpty()) {
            Merge m = pending.poll();
            JsonNode existing = m.target.get(m.key);
            if (existing == null) {
                m.target.set(m.key, m.value);
            } else if (existing.isObject() && m.value.isObject()) {
                for (Map.Entry<String, JsonNode> inner : m.value.properties()) {
                    pending.add(new Merge((ObjectNode) existing, inner.getKey(), inner.getValue()));
                }
            } else {
                List<JsonNode> values = new ArrayList<>();
                addAll(values, existing);
                addAll(values, m.value);
                ArrayNode combined = m.target.putArray(m.key);
                combined.addAll(values);
            }
        }
    }

    private record Merge(ObjectNode target, String key, JsonNode value) {}

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
