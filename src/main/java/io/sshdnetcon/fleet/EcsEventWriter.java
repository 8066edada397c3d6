package io.sshdnetcon.fleet;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/**
 * Serializes {@link FleetEvent}s as Elastic Defend ECS JSON, one line each, with a streaming
 * generator and pre-rendered constant fragments (no trees per event). Field order follows what
 * Defend ships.
 */
final class EcsEventWriter {

    private static final JsonFactory FACTORY = new JsonFactory();

    private static final SerializableString TIMESTAMP = name("@timestamp");
    private static final SerializableString AGENT = name("agent");
    private static final SerializableString PROCESS = name("process");
    private static final SerializableString PARENT = name("parent");
    private static final SerializableString PID = name("pid");
    private static final SerializableString ENTITY_ID = name("entity_id");
    private static final SerializableString EXECUTABLE = name("executable");
    private static final SerializableString NAME = name("name");
    private static final SerializableString ARGS = name("args");
    private static final SerializableString ARGS_COUNT = name("args_count");
    private static final SerializableString COMMAND_LINE = name("command_line");
    private static final SerializableString WORKING_DIRECTORY = name("working_directory");
    private static final SerializableString EXIT_CODE = name("exit_code");
    private static final SerializableString MESSAGE = name("message");
    private static final SerializableString DATA_STREAM = name("data_stream");
    private static final SerializableString ECS = name("ecs");
    private static final SerializableString ELASTIC = name("elastic");
    private static final SerializableString HOST = name("host");
    private static final SerializableString EVENT = name("event");
    private static final SerializableString USER = name("user");
    private static final SerializableString ID = name("id");
    private static final SerializableString DESTINATION = name("destination");
    private static final SerializableString SOURCE = name("source");
    private static final SerializableString ADDRESS = name("address");
    private static final SerializableString IP = name("ip");
    private static final SerializableString PORT = name("port");
    private static final SerializableString NETWORK = name("network");
    private static final SerializableString DIRECTION = name("direction");
    private static final SerializableString TRANSPORT = name("transport");
    private static final SerializableString TYPE = name("type");
    private static final SerializableString PROTOCOL = name("protocol");
    private static final SerializableString FILE = name("file");
    private static final SerializableString PATH = name("path");
    private static final SerializableString EXTENSION = name("extension");
    private static final SerializableString DNS = name("dns");
    private static final SerializableString QUESTION = name("question");
    private static final SerializableString AGENT_ID_STATUS = name("agent_id_status");
    private static final SerializableString SEQUENCE = name("sequence");
    private static final SerializableString CREATED = name("created");
    private static final SerializableString KIND = name("kind");
    private static final SerializableString MODULE = name("module");
    private static final SerializableString ACTION = name("action");
    private static final SerializableString CATEGORY = name("category");
    private static final SerializableString DATASET = name("dataset");
    private static final SerializableString DOTTED_PARENT_ENTITY_ID =
            name("process.parent.entity_id");
    private static final SerializableString DOTTED_PARENT_PID = name("process.parent.pid");
    private static final SerializableString DOTTED_PARENT_NAME = name("process.parent.name");
    private static final SerializableString DOTTED_PARENT_EXECUTABLE =
            name("process.parent.executable");
    private static final SerializableString INNER_PARENT_ENTITY_ID = name("parent.entity_id");
    private static final SerializableString INNER_PARENT_PID = name("parent.pid");
    private static final SerializableString INNER_PARENT_NAME = name("parent.name");
    private static final SerializableString INNER_PARENT_EXECUTABLE = name("parent.executable");
    private static final SerializableString DOTTED_EVENT_ACTION = name("event.action");
    private static final SerializableString DOTTED_EVENT_CATEGORY = name("event.category");
    private static final SerializableString DOTTED_EVENT_TYPE = name("event.type");
    private static final SerializableString DOTTED_HOST_ID = name("host.id");
    private static final SerializableString DOTTED_HOST_OS_TYPE = name("host.os.type");

    private static final SerializableString ECS_VALUE =
            new SerializedString("{\"version\":\"8.10.0\"}");
    private static final SerializableString VERIFIED = new SerializedString("verified");
    private static final SerializableString EVENT_KIND = new SerializedString("event");
    private static final SerializableString ENDPOINT = new SerializedString("endpoint");

    private final LineBuffer line = new LineBuffer(2048);
    private final JsonGenerator json;
    private final IsoMillis timestamps = new IsoMillis();

    EcsEventWriter() {
        try {
            json = FACTORY.createGenerator(line, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new IllegalStateException("an in-memory generator cannot fail to open", e);
        }
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        json.setRootValueSeparator(null); // we write the newline ourselves
    }

    /**
     * Serializes one event; the returned buffer holds the line without its newline until the next
     * call.
     */
    LineBuffer write(FleetEvent e) throws IOException {
        line.reset();
        KeyStyle style = e.keyStyle();
        char[] time = timestamps.format(e.timestampMs());
        json.writeStartObject();
        json.writeFieldName(TIMESTAMP);
        json.writeString(time, 0, IsoMillis.LENGTH);
        json.writeFieldName(AGENT);
        json.writeRawValue(e.host().agentJson);
        writeProcess(e, style);
        json.writeFieldName(MESSAGE);
        json.writeString(e.shape().dataset.message);
        json.writeFieldName(DATA_STREAM);
        json.writeRawValue(e.shape().dataset.dataStreamJson);
        json.writeFieldName(ECS);
        json.writeRawValue(ECS_VALUE);
        json.writeFieldName(ELASTIC);
        json.writeRawValue(e.host().elasticJson);
        writeHost(e, style);
        writeEvent(e, style, time);
        writeUser(e.process().user());
        if (e.connection() != null) {
            writeConnection(e.connection(), e.quirks().omitDestinationIp());
        }
        if (e.dnsQuestion() != null) {
            writeDns(e.dnsQuestion());
        }
        if (e.filePath() != null) {
            writeFile(e.filePath());
        }
        json.writeEndObject();
        json.flush();
        return line;
    }

    private void writeProcess(FleetEvent e, KeyStyle style) throws IOException {
        ProcessImage p = e.process();
        ProcessImage parent = e.parent();
        FleetEvent.Quirks quirks = e.quirks();
        json.writeFieldName(PROCESS);
        json.writeStartObject();
        if (parent != null && style == KeyStyle.INNER_DOTTED_PARENT) {
            writeParentFields(
                    parent,
                    quirks,
                    INNER_PARENT_ENTITY_ID,
                    INNER_PARENT_PID,
                    INNER_PARENT_NAME,
                    INNER_PARENT_EXECUTABLE);
        } else if (parent != null && style != KeyStyle.DOTTED_PARENT) {
            json.writeFieldName(PARENT);
            json.writeStartObject();
            writeParentFields(parent, quirks, ENTITY_ID, PID, NAME, EXECUTABLE);
            json.writeEndObject();
        }
        ProcessImage.Json encoded = p.json();
        json.writeFieldName(PID);
        json.writeNumber(p.pid());
        json.writeFieldName(ENTITY_ID);
        json.writeString(encoded.entityId());
        json.writeFieldName(EXECUTABLE);
        json.writeString(encoded.executable());
        if (!quirks.omitProcessName()) {
            json.writeFieldName(NAME);
            json.writeString(encoded.name());
        }
        if (e.shape().isProcess()) {
            json.writeFieldName(ARGS);
            json.writeRawValue(encoded.argsArray());
            json.writeFieldName(ARGS_COUNT);
            json.writeNumber(p.args().size());
            json.writeFieldName(COMMAND_LINE);
            json.writeString(encoded.commandLine());
            json.writeFieldName(WORKING_DIRECTORY);
            json.writeString(encoded.workingDirectory());
            if (e.shape() == EventShape.PROCESS_END) {
                json.writeFieldName(EXIT_CODE);
                json.writeNumber(0);
            }
        }
        json.writeEndObject();
        if (parent != null && style == KeyStyle.DOTTED_PARENT) {
            writeParentFields(
                    parent,
                    quirks,
                    DOTTED_PARENT_ENTITY_ID,
                    DOTTED_PARENT_PID,
                    DOTTED_PARENT_NAME,
                    DOTTED_PARENT_EXECUTABLE);
        }
    }

    /** The parent's four fields under whichever spelling of their names the key style asks for. */
    private void writeParentFields(
            ProcessImage parent,
            FleetEvent.Quirks quirks,
            SerializableString entityIdName,
            SerializableString pidName,
            SerializableString nameName,
            SerializableString executableName)
            throws IOException {
        ProcessImage.Json encoded = parent.json();
        if (!quirks.omitParentEntityId()) {
            json.writeFieldName(entityIdName);
            json.writeString(encoded.entityId());
        }
        json.writeFieldName(pidName);
        json.writeNumber(parent.pid());
        json.writeFieldName(nameName);
        json.writeString(encoded.name());
        json.writeFieldName(executableName);
        json.writeString(encoded.executable());
    }

    private void writeHost(FleetEvent e, KeyStyle style) throws IOException {
        FleetHost host = e.host();
        String osTypeOverride = e.quirks().osTypeOverride();
        if (style == KeyStyle.DOTTED_HOST) {
            json.writeFieldName(DOTTED_HOST_ID);
            json.writeString(host.id);
            json.writeFieldName(DOTTED_HOST_OS_TYPE);
            json.writeString(osTypeOverride != null ? osTypeOverride : host.os.type());
            json.writeFieldName(HOST);
            json.writeRawValue(host.hostJsonWithoutIdAndOsType);
        } else if (osTypeOverride != null) {
            json.writeFieldName(HOST);
            json.writeRawValue(
                    host.renderHost(osTypeOverride, true)); // rare: planted near misses only
        } else {
            json.writeFieldName(HOST);
            json.writeRawValue(host.hostJson);
        }
    }

    private void writeEvent(FleetEvent e, KeyStyle style, char[] time) throws IOException {
        EventShape shape = e.shape();
        boolean dotted = style == KeyStyle.DOTTED_EVENT;
        if (dotted) {
            json.writeFieldName(DOTTED_EVENT_ACTION);
            json.writeString(shape.action);
            json.writeFieldName(DOTTED_EVENT_CATEGORY);
            json.writeRawValue(shape.categoryJson);
            json.writeFieldName(DOTTED_EVENT_TYPE);
            json.writeRawValue(shape.typeJson);
        }
        json.writeFieldName(EVENT);
        json.writeStartObject();
        json.writeFieldName(AGENT_ID_STATUS);
        json.writeString(VERIFIED);
        json.writeFieldName(SEQUENCE);
        json.writeNumber(e.host().emittedSequence++);
        json.writeFieldName(CREATED);
        json.writeString(time, 0, IsoMillis.LENGTH);
        json.writeFieldName(KIND);
        json.writeString(EVENT_KIND);
        json.writeFieldName(MODULE);
        json.writeString(ENDPOINT);
        if (!dotted) {
            json.writeFieldName(ACTION);
            json.writeString(shape.action);
        }
        json.writeFieldName(ID);
        json.writeString(e.eventId());
        if (!dotted) {
            json.writeFieldName(CATEGORY);
            json.writeRawValue(shape.categoryJson);
            json.writeFieldName(TYPE);
            json.writeRawValue(shape.typeJson);
        }
        json.writeFieldName(DATASET);
        json.writeString(shape.datasetName);
        json.writeEndObject();
    }

    private void writeUser(UserAccount user) throws IOException {
        json.writeFieldName(USER);
        json.writeStartObject();
        json.writeFieldName(ID);
        json.writeString(user.id());
        json.writeFieldName(NAME);
        json.writeString(user.name());
        json.writeEndObject();
    }

    private void writeConnection(FleetEvent.Connection c, boolean omitDestinationIp)
            throws IOException {
        json.writeFieldName(DESTINATION);
        json.writeStartObject();
        if (!omitDestinationIp) {
            json.writeFieldName(ADDRESS);
            json.writeString(c.destinationIp());
            json.writeFieldName(IP);
            json.writeString(c.destinationIp());
        }
        json.writeFieldName(PORT);
        json.writeNumber(c.destinationPort());
        json.writeEndObject();
        json.writeFieldName(SOURCE);
        json.writeStartObject();
        json.writeFieldName(ADDRESS);
        json.writeString(c.sourceIp());
        json.writeFieldName(IP);
        json.writeString(c.sourceIp());
        json.writeFieldName(PORT);
        json.writeNumber(c.sourcePort());
        json.writeEndObject();
        json.writeFieldName(NETWORK);
        json.writeStartObject();
        json.writeFieldName(DIRECTION);
        json.writeString(c.direction());
        json.writeFieldName(TRANSPORT);
        json.writeString(c.transport());
        json.writeFieldName(TYPE);
        json.writeString(c.networkType());
        json.writeEndObject();
    }

    private void writeDns(String question) throws IOException {
        json.writeFieldName(DNS);
        json.writeStartObject();
        json.writeFieldName(QUESTION);
        json.writeStartObject();
        json.writeFieldName(NAME);
        json.writeString(question);
        json.writeFieldName(TYPE);
        json.writeString("A");
        json.writeEndObject();
        json.writeEndObject();
        json.writeFieldName(NETWORK);
        json.writeStartObject();
        json.writeFieldName(PROTOCOL);
        json.writeString("dns");
        json.writeEndObject();
    }

    private void writeFile(String path) throws IOException {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        String fileName = path.substring(slash + 1);
        int dot = fileName.lastIndexOf('.');
        json.writeFieldName(FILE);
        json.writeStartObject();
        json.writeFieldName(PATH);
        json.writeString(path);
        json.writeFieldName(NAME);
        json.writeString(fileName);
        if (dot > 0) {
            json.writeFieldName(EXTENSION);
            json.writeString(fileName.substring(dot + 1));
        }
        json.writeEndObject();
    }

    private static SerializableString name(String text) {
        return new SerializedString(text);
    }
}
