package io.sshdnetcon.event;

/** The ECS fields this job reads. Everything else in an event is skipped without being decoded. */
public enum RuleField {
    TIMESTAMP("@timestamp"),
    EVENT_CATEGORY("event.category"),
    EVENT_TYPE("event.type"),
    EVENT_ACTION("event.action"),
    EVENT_ID("event.id"),
    HOST_OS_TYPE("host.os.type"),
    HOST_ID("host.id"),
    PROCESS_ENTITY_ID("process.entity_id"),
    PROCESS_EXECUTABLE("process.executable"),
    PROCESS_NAME("process.name"),
    PARENT_ENTITY_ID("process.parent.entity_id"),
    PARENT_EXECUTABLE("process.parent.executable"),
    DESTINATION_IP("destination.ip");

    private final String path;

    RuleField(String path) {
        this.path = path;
    }

    /** The dotted ECS path. */
    public String path() {
        return path;
    }
}
