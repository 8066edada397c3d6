package io.sshdnetcon.fleet;

import com.fasterxml.jackson.core.io.SerializedString;

/**
 * The kinds of Defend events the fleet emits: dataset, {@code event.category}, {@code event.type}
 * and {@code event.action}, with the constant JSON fragments pre-rendered once.
 */
enum EventShape {
    PROCESS_FORK(Dataset.PROCESS, "[\"process\"]", "[\"start\"]", "fork"),
    PROCESS_EXEC(Dataset.PROCESS, "[\"process\"]", "[\"start\"]", "exec"),
    PROCESS_END(Dataset.PROCESS, "[\"process\"]", "[\"end\"]", "end"),
    /** Windows reports starts and ends, not fork/exec. */
    PROCESS_START(Dataset.PROCESS, "[\"process\"]", "[\"start\"]", "start"),
    CONNECTION_ATTEMPTED(Dataset.NETWORK, "[\"network\"]", "[\"start\"]", "connection_attempted"),
    CONNECTION_ACCEPTED(Dataset.NETWORK, "[\"network\"]", "[\"start\"]", "connection_accepted"),
    DISCONNECT_RECEIVED(Dataset.NETWORK, "[\"network\"]", "[\"end\"]", "disconnect_received"),
    LOOKUP_REQUESTED(
            Dataset.NETWORK, "[\"network\"]", "[\"protocol\",\"info\"]", "lookup_requested"),
    FILE_CREATION(Dataset.FILE, "[\"file\"]", "[\"creation\"]", "creation"),
    FILE_MODIFICATION(Dataset.FILE, "[\"file\"]", "[\"change\"]", "modification"),
    FILE_DELETION(Dataset.FILE, "[\"file\"]", "[\"deletion\"]", "deletion");

    enum Dataset {
        PROCESS("endpoint.events.process", "Endpoint process event"),
        NETWORK("endpoint.events.network", "Endpoint network event"),
        FILE("endpoint.events.file", "Endpoint file event");

        final String name;
        final SerializedString message;
        final SerializedString dataStreamJson;

        Dataset(String name, String message) {
            this.name = name;
            this.message = new SerializedString(message);
            this.dataStreamJson =
                    new SerializedString(
                            "{\"namespace\":\"default\",\"type\":\"logs\",\"dataset\":\""
                                    + name
                                    + "\"}");
        }
    }

    final Dataset dataset;
    final SerializedString categoryJson;
    final SerializedString typeJson;
    final SerializedString action;
    final SerializedString datasetName;

    EventShape(Dataset dataset, String categoryJson, String typeJson, String action) {
        this.dataset = dataset;
        this.categoryJson = new SerializedString(categoryJson);
        this.typeJson = new SerializedString(typeJson);
        this.action = new SerializedString(action);
        this.datasetName = new SerializedString(dataset.name);
    }

    boolean isProcess() {
        return dataset == Dataset.PROCESS;
    }
}
