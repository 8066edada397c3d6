package io.sshdnetcon.parse;

import io.sshdnetcon.event.RuleField;
import java.util.HashMap;
import java.util.Map;

/**
 * A tree of path segments leading to the {@link RuleField}s, so the parser can decide per JSON key,
 * without building path strings, whether to read a value, descend, or skip a whole subtree.
 *
 * <p>ECS allows an object key to contain dots ({@code "process.parent.entity_id"} at the top level,
 * or {@code "parent.entity_id"} inside {@code process}); {@link #child} walks such a key segment by
 * segment, so every spelling reaches the same node.
 */
final class FieldPathTree {

    static final FieldPathTree ROOT = build();

    private final Map<String, FieldPathTree> children = new HashMap<>();
    private RuleField field;

    private FieldPathTree() {}

    private static FieldPathTree build() {
        FieldPathTree root = new FieldPathTree();
        for (RuleField f : RuleField.values()) {
            FieldPathTree node = root;
            for (String segment : f.path().split("\\.")) {
                node = node.children.computeIfAbsent(segment, s -> new FieldPathTree());
            }
            node.field = f;
        }
        return root;
    }

    /** The field at this node, or null for an interior node. */
    RuleField field() {
        return field;
    }

    /** The node reached by {@code key} (which may contain dots), or null if no field lies there. */
    FieldPathTree child(String key) {
        FieldPathTree direct = children.get(key);
        if (direct != null || key.indexOf('.') < 0) {
            return direct;
        }
        FieldPathTree node = this;
        int start = 0;
        while (node != null) {
            int dot = key.indexOf('.', start);
            String segment = dot < 0 ? key.substring(start) : key.substring(start, dot);
            node = node.children.get(segment);
            if (dot < 0) {
                return node;
            }
            start = dot + 1;
        }
        return null;
    }
}
