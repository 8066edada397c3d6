package io.sshdnetcon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of one event that the rule reads, as lists of string values (decisions 1, 2 and 6).
 *
 * <p>A field path joins object nesting and dotted keys, so {@code
 * {"process":{"parent.entity_id":"X"}}} and {@code {"process.parent.entity_id":"X"}} are the same
 * field; every occurrence of a path adds its values to one multi-valued field. Only objects build
 * paths: an array of objects is a value of its own path and is not descended into (it is simply not
 * one of the fields the rule reads).
 */
final class ReferenceEventFields {

    static final String EVENT_CATEGORY = "event.category";
    static final String EVENT_TYPE = "event.type";
    static final String EVENT_ACTION = "event.action";
    static final String EVENT_ID = "event.id";
    static final String HOST_OS_TYPE = "host.os.type";
    static final String HOST_ID = "host.id";
    static final String PROCESS_ENTITY_ID = "process.entity_id";
    static final String PARENT_ENTITY_ID = "process.parent.entity_id";
    static final String PARENT_EXECUTABLE = "process.parent.executable";
    static final String PROCESS_EXECUTABLE = "process.executable";
    static final String PROCESS_NAME = "process.name";
    static final String DESTINATION_IP = "destination.ip";

    /** Decision 1: a wrong type in one of these makes the whole line malformed. */
    static final Set<String> TYPE_CHECKED =
            Set.of(
                    EVENT_CATEGORY,
                    EVENT_TYPE,
                    EVENT_ACTION,
                    EVENT_ID,
                    HOST_OS_TYPE,
                    HOST_ID,
                    PROCESS_ENTITY_ID,
                    PARENT_ENTITY_ID,
                    PARENT_EXECUTABLE,
                    PROCESS_EXECUTABLE,
                    PROCESS_NAME);

    private final Map<String, List<String>> values;
    private final boolean destinationHasNonString;

    private ReferenceEventFields(
            Map<String, List<String>> values, boolean destinationHasNonString) {
        this.values = values;
        this.destinationHasNonString = destinationHasNonString;
    }

    /** Empty when a type-checked field has a wrong type (the line is malformed). */
    static Optional<ReferenceEventFields> of(JsonNode root) {
        Map<String, List<JsonNode>> raw = new HashMap<>();
        collect(root, "", raw);
        Map<String, List<String>> values = new HashMap<>();
        for (String field : TYPE_CHECKED) {
            List<String> strings = new ArrayList<>();
            for (JsonNode node : raw.getOrDefault(field, List.of())) {
                if (!addStrings(node, strings)) {
                    return Optional.empty();
                }
            }
            values.put(field, strings);
        }
        List<String> destination = new ArrayList<>();
        boolean destinationHasNonString = false;
        for (JsonNode node : raw.getOrDefault(DESTINATION_IP, List.of())) {
            destinationHasNonString |= !addStrings(node, destination);
        }
        values.put(DESTINATION_IP, destination);
        return Optional.of(new ReferenceEventFields(values, destinationHasNonString));
    }

    private static void collect(JsonNode object, String prefix, Map<String, List<JsonNode>> raw) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (TYPE_CHECKED.contains(path) || path.equals(DESTINATION_IP)) {
                // Kept whole, objects included, so a wrong type is seen rather than flattened away.
                raw.computeIfAbsent(path, p -> new ArrayList<>()).add(value);
            } else if (value.isObject()) {
                collect(value, path, raw);
            }
        }
    }

    /**
     * Adds the string values of one occurrence; false if it holds anything but strings and nulls.
     */
    private static boolean addStrings(JsonNode node, List<String> out) {
        if (node.isNull()) {
            return true;
        }
        if (node.isTextual()) {
            out.add(node.textValue());
            return true;
        }
        if (!node.isArray()) {
            return false;
        }
        boolean onlyStrings = true;
        for (JsonNode element : node) {
            if (element.isTextual()) {
                out.add(element.textValue());
            } else if (!element.isNull()) {
                onlyStrings = false;
            }
        }
        return onlyStrings;
    }

    /** The non-null string values; empty means missing. */
    List<String> get(String field) {
        return values.get(field);
    }

    /** Decision 4: any element equals the value, exactly. */
    boolean has(String field, String value) {
        return values.get(field).contains(value);
    }

    /** Decision 5: a join value is a field with exactly one value. */
    Optional<String> single(String field) {
        List<String> list = values.get(field);
        return list.size() == 1 ? Optional.of(list.get(0)) : Optional.empty();
    }

    /** Decision 6: a number, boolean, object or nested array anywhere in destination.ip. */
    boolean destinationHasNonString() {
        return destinationHasNonString;
    }
}
