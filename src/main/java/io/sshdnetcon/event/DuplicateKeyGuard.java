package io.sshdnetcon.event;

import java.util.Arrays;

/**
 * Detects a key repeated within one JSON object, which makes Elasticsearch refuse the document.
 *
 * <p>Jackson's own duplicate detection builds a hash set per object and dominated the parse
 * profile. Jackson canonicalizes field names, so within one document a repeated key is usually
 * the very same String instance; a linear scan comparing references first (then hash and content)
 * is cheaper for the small objects of ECS events. Reused across records; not thread-safe.
 */
final class DuplicateKeyGuard {

    private static final int INITIAL_DEPTH = 16;
    private static final int INITIAL_KEYS = 16;

    private String[][] keys = new String[INITIAL_DEPTH][];
    private int[] counts = new int[INITIAL_DEPTH];
    private int depth = -1;

    void reset() {
        depth = -1;
    }

    /** A new object starts. */
    void enter() {
        depth++;
        if (depth == keys.length) {
            keys = Arrays.copyOf(keys, depth * 2);
            counts = Arrays.copyOf(counts, depth * 2);
        }
        if (keys[depth] == null) {
            keys[depth] = new String[INITIAL_KEYS];
        }
        counts[depth] = 0;
    }

    /** The current object ends. */
    void exit() {
        depth--;
    }

    /** Records {@code key} in the current object; false if the object already had it. */
    boolean add(String key) {
        String[] seen = keys[depth];
        int count = counts[depth];
        int hash = key.hashCode();
        for (int i = 0; i < count; i++) {
            String other = seen[i];
            if (other == key || (other.hashCode() == hash && other.equals(key))) {
                return false;
            }
        }
        if (count == seen.length) {
            seen = Arrays.copyOf(seen, count * 2);
            keys[depth] = seen;
        }
        seen[count] = key;
        counts[depth] = count + 1;
        return true;
    }
}
