package io.sshdnetcon.parse;

import java.util.Arrays;
import java.util.HashSet;

/**
 * Detects a key repeated within one JSON object, which makes Elasticsearch refuse the document.
 *
 * <p>Jackson's own duplicate detection builds a hash set per object and dominated the parse
 * profile. Jackson canonicalizes field names, so within one document a repeated key is usually the
 * very same String instance; a linear scan comparing references first (then hash and content) is
 * cheaper for the small objects of ECS events. An object with more than {@link #SCAN_LIMIT} keys
 * switches to a hash set, so a hostile object of hundreds of thousands of keys costs linear time,
 * not quadratic. {@link HashSet} keeps that true even for keys crafted to share a hash code (its
 * buckets become trees of comparable keys).
 *
 * <p>Every array and set is kept for the next record; a set that grew very large is dropped when
 * the next record starts, so one hostile record neither pins its keys nor makes later records pay
 * for clearing a huge table. Not thread-safe: one per parser.
 */
final class DuplicateKeyGuard {

    /** Keys per object checked by scanning; ECS objects have fewer (Defend's widest, about 30). */
    static final int SCAN_LIMIT = 32;

    /** A set that held more keys than this is dropped, not cleared, before the next record. */
    private static final int RETAINED_SET_KEYS = 1024;

    private static final int INITIAL_DEPTH = 16;

    private String[][] keys = new String[INITIAL_DEPTH][];
    private int[] counts = new int[INITIAL_DEPTH];

    /** Per depth: the set in use once the current object passed {@link #SCAN_LIMIT} keys. */
    private HashSet<String>[] sets = newSets(INITIAL_DEPTH);

    private int depth = -1;

    /** Some set grew beyond {@link #RETAINED_SET_KEYS} during this record. */
    private boolean largeSet;

    /** A new record starts (the previous one may have ended anywhere, on an error). */
    void reset() {
        depth = -1;
        if (largeSet) {
            for (int i = 0; i < sets.length; i++) {
                if (sets[i] != null && sets[i].size() > RETAINED_SET_KEYS) {
                    sets[i] = null;
                }
            }
            largeSet = false;
        }
    }

    /** A new object starts. */
    void enter() {
        depth++;
        if (depth == keys.length) {
            keys = Arrays.copyOf(keys, depth * 2);
            counts = Arrays.copyOf(counts, depth * 2);
            sets = Arrays.copyOf(sets, depth * 2);
        }
        if (keys[depth] == null) {
            keys[depth] = new String[SCAN_LIMIT];
        }
        counts[depth] = 0;
    }

    /** The current object ends. */
    void exit() {
        depth--;
    }

    /** Records {@code key} in the current object; false if the object already had it. */
    boolean add(String key) {
        int count = counts[depth];
        if (count < SCAN_LIMIT) {
            String[] seen = keys[depth];
            int hash = key.hashCode();
            for (int i = 0; i < count; i++) {
                String other = seen[i];
                if (other == key || (other.hashCode() == hash && other.equals(key))) {
                    return false;
                }
            }
            seen[count] = key;
            counts[depth] = count + 1;
            return true;
        }
        HashSet<String> set = count == SCAN_LIMIT ? startSet() : sets[depth];
        if (!set.add(key)) {
            return false;
        }
        counts[depth] = count + 1;
        largeSet |= count == RETAINED_SET_KEYS;
        return true;
    }

    /** The current object outgrew the scan: its keys so far move into this depth's set. */
    private HashSet<String> startSet() {
        HashSet<String> set = sets[depth];
        if (set == null) {
            set = new HashSet<>();
            sets[depth] = set;
        } else {
            set.clear(); // it held at most RETAINED_SET_KEYS keys: a small table to clear
        }
        set.addAll(Arrays.asList(keys[depth]));
        return set;
    }

    @SuppressWarnings("unchecked")
    private static HashSet<String>[] newSets(int length) {
        return (HashSet<String>[]) new HashSet<?>[length];
    }
}
