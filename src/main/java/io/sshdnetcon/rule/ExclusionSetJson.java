package io.sshdnetcon.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.event.JsonReadLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of an {@link ExclusionSet}, validated strictly: a set that is applied wrongly
 * silences real alerts, so anything unexpected is an error rather than a guess.
 *
 * <pre>{@code
 * {
 *   "version": 7,
 *   "description": "optional free text",
 *   "destination_cidrs": ["10.0.0.0/8", "0.0.0.0", "fe80::/10"],
 *   "process_executables": ["/usr/bin/yum"],
 *   "process_names": ["ssh"]
 * }
 * }</pre>
 */
public final class ExclusionSetJson {

    public static final String VERSION = "version";
    public static final String DESCRIPTION = "description";
    public static final String DESTINATION_CIDRS = "destination_cidrs";
    public static final String PROCESS_EXECUTABLES = "process_executables";
    public static final String PROCESS_NAMES = "process_names";

    private static final Set<String> KNOWN =
            Set.of(VERSION, DESCRIPTION, DESTINATION_CIDRS, PROCESS_EXECUTABLES, PROCESS_NAMES);

    private static final String DEFAULTS_RESOURCE = "/rule/default-exclusions.json";

    /**
     * Largest set accepted (also from a file): room for hundreds of thousands of entries, and
     * matching stays O(log n) whatever the size.
     */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    /**
     * A set comes from a topic anyone with write access can fill: the events' read limits. Keys
     * crafted to overflow the symbol table make a set invalid too: it has five known keys.
     */
    private static final ObjectMapper MAPPER =
            JsonMapper.builder(
                            JsonReadLimits.factory(
                                    MAX_BYTES, JsonReadLimits.MAX_RULE_VALUE_CHARS, true))
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build();

    private ExclusionSetJson() {}

    /** The rule's own lists (28 destinations, 2 executables, 4 names), version 0. */
    public static ExclusionSet defaults() {
        try (InputStream in = ExclusionSetJson.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws InvalidExclusionSetException naming the first problem found
     */
    public static ExclusionSet parse(byte[] json) {
        JsonNode root;
        if (json.length > MAX_BYTES) {
            throw new InvalidExclusionSetException(
                    "too large: " + json.length + " bytes, the limit is " + MAX_BYTES);
        }
        try {
            root = MAPPER.readTree(json);
        } catch (JsonReadLimits.LimitExceededException e) {
            throw new InvalidExclusionSetException(
                    "exceeds a read limit (" + e.reason().code() + "): " + e.getOriginalMessage(),
                    e);
        } catch (JsonProcessingException e) {
            throw new InvalidExclusionSetException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidExclusionSetException("unreadable: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidExclusionSetException("an exclusion set must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new InvalidExclusionSetException(
                        "unknown field '" + name + "'; expected " + KNOWN);
            }
        }
        JsonNode version = required(root, VERSION);
        if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 0) {
            throw new InvalidExclusionSetException(
                    "'version' must be a non-negative integer, found " + version);
        }
        JsonNode description = root.get(DESCRIPTION);
        if (description != null && !description.isTextual()) {
            throw new InvalidExclusionSetException("'description' must be a string");
        }
        ExclusionSet set =
                new ExclusionSet(
                        version.asLong(),
                        strings(root, DESTINATION_CIDRS),
                        strings(root, PROCESS_EXECUTABLES),
                        strings(root, PROCESS_NAMES));
        try {
            AddressRanges.of(set.destinationCidrs());
        } catch (IllegalArgumentException e) {
            throw new InvalidExclusionSetException(
                    "'" + DESTINATION_CIDRS + "': " + e.getMessage(), e);
        }
        return set;
    }

    public static byte[] write(ExclusionSet set) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(VERSION, set.version());
        for (Map.Entry<String, List<String>> list :
                List.of(
                        Map.entry(DESTINATION_CIDRS, set.destinationCidrs()),
                        Map.entry(PROCESS_EXECUTABLES, set.processExecutables()),
                        Map.entry(PROCESS_NAMES, set.processNames()))) {
            ArrayNode array = root.putArray(list.getKey());
            list.getValue().forEach(array::add);
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidExclusionSetException("missing required field '" + field + "'");
        }
        return node;
    }

    private static List<String> strings(JsonNode root, String field) {
        JsonNode node = required(root, field);
        if (!node.isArray()) {
            throw new InvalidExclusionSetException("'" + field + "' must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new InvalidExclusionSetException(
                        "'" + field + "' must contain only strings, found " + element);
            }
            values.add(element.asText());
        }
        return values;
    }
}
