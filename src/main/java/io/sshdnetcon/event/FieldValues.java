package io.sshdnetcon.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values of the {@link RuleField}s found in one event. Reused across records by one parser
 * instance to keep the hot path free of per-field allocations.
 *
 * <p>Each field is missing, one string, or several strings (an ECS array, or the same path written
 * both nested and dotted, which Elasticsearch also merges into one multi-valued field). A field
 * holding anything but strings is flagged as having the wrong type.
 */
public final class FieldValues {

    private static final RuleField[] FIELDS = RuleField.values();

    private final Object[] values = new Object[FIELDS.length];
    private final boolean[] wrongType = new boolean[FIELDS.length];

    public void clear() {
        for (int i = 0; i < values.length; i++) {
            values[i] = null;
            wrongType[i] = false;
        }
    }

    @SuppressWarnings("unchecked")
    public void add(RuleField field, String value) {
        int i = field.ordinal();
        Object current = values[i];
        if (current == null) {
            values[i] = value;
        } else if (current instanceof String single) {
            List<String> list = new ArrayList<>(2);
            list.add(single);
            list.add(value);
            values[i] = list;
        } else {
            ((List<String>) current).add(value);
        }
    }

    public void markWrongType(RuleField field) {
        wrongType[field.ordinal()] = true;
    }

    public boolean hasWrongType(RuleField field) {
        return wrongType[field.ordinal()];
    }

    /** True if any value of the field equals {@code expected} exactly (EQL on an ECS array). */
    @SuppressWarnings("unchecked")
    public boolean anyEquals(RuleField field, String expected) {
        Object v = values[field.ordinal()];
        if (v == null) {
            return false;
        }
        if (v instanceof String s) {
            return s.equals(expected);
        }
        return ((List<String>) v).contains(expected);
    }

    public boolean isMissing(RuleField field) {
        return values[field.ordinal()] == null;
    }

    public boolean isMultiValued(RuleField field) {
        return values[field.ordinal()] instanceof List;
    }

    /** The single value, or null when missing or multi-valued. */
    public String single(RuleField field) {
        return values[field.ordinal()] instanceof String s ? s : null;
    }

    /** All values (immutable, possibly empty). */
    @SuppressWarnings("unchecked")
    public List<String> all(RuleField field) {
        Object v = values[field.ordinal()];
        if (v == null) {
            return Collections.emptyList();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        return List.copyOf((List<String>) v);
    }
}
