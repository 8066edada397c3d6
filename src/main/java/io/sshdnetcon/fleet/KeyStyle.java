package io.sshdnetcon.fleet;

/**
 * How an event spells its field paths. ECS allows dotted keys anywhere, and shippers and pipelines
 * do produce them, so a small share of events uses each dotted form; every path is still written
 * exactly once.
 */
enum KeyStyle {
    /** {@code {"process":{"parent":{"entity_id":…}}}} */
    NESTED,
    /**
     * {@code {"process.parent.entity_id":…}} at the top level, beside a {@code process} object
     * without parent.
     */
    DOTTED_PARENT,
    /** {@code {"process":{"parent.entity_id":…}}} */
    INNER_DOTTED_PARENT,
    /**
     * {@code {"event.action":…,"event.category":…,"event.type":…}} beside the rest of {@code
     * event}.
     */
    DOTTED_EVENT,
    /** {@code {"host.id":…,"host.os.type":…}} beside the rest of {@code host}. */
    DOTTED_HOST;

    private static final KeyStyle[] DOTTED = {
        DOTTED_PARENT, INNER_DOTTED_PARENT, DOTTED_EVENT, DOTTED_HOST
    };

    static KeyStyle dotted(int index) {
        return DOTTED[Math.floorMod(index, DOTTED.length)];
    }
}
