package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Versioned serializer of {@link PendingDeadLetters}, hand-written so that no dead letter in a
 * checkpoint depends on Kryo or on the class layout of {@link DeadLetter}.
 *
 * <p>Version 3 (the first of this class): a count, then per letter the reason code, detail,
 * payload, source (each nullable), partition, offset and timestamp.
 *
 * <p>Versions 1 and 2 are those of the Kafka connector's {@code KafkaWriterStateSerializer}:
 * release 0.1.0 wrote the dead-letter and late-event sinks with Flink's {@code KafkaSink} under the
 * same uids. Its at-least-once state names only a transactional-id prefix and holds no records, so
 * it restores as no letters.
 */
public final class PendingDeadLettersSerializer
        implements SimpleVersionedSerializer<PendingDeadLetters> {

    static final int VERSION = 3;
    private static final int LAST_KAFKA_SINK_VERSION = 2;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PendingDeadLetters state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.letters().size());
        for (DeadLetter letter : state.letters()) {
            writeString(out, letter.reason().code());
            writeString(out, letter.detail());
            writeBytes(out, letter.payload());
            writeString(out, letter.source());
            out.writeInt(letter.partition());
            out.writeLong(letter.offset());
            out.writeLong(letter.timestamp());
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public PendingDeadLetters deserialize(int version, byte[] serialized) throws IOException {
        if (version <= LAST_KAFKA_SINK_VERSION) {
            return PendingDeadLetters.NONE;
        }
        if (version != VERSION) {
            throw new IOException(
                    "dead-letter writer state version "
                            + version
                            + " is newer than this build"
                            + " reads ("
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("corrupt dead-letter writer state: " + count + " letters");
        }
        List<DeadLetter> letters = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            DeadLetterReason reason = reason(readString(in));
            String detail = readString(in);
            byte[] payload = readBytes(in);
            String source = readString(in);
            letters.add(
                    new DeadLetter(
                            reason,
                            detail,
                            payload,
                            source,
                            in.readInt(),
                            in.readLong(),
                            in.readLong()));
        }
        if (in.available() != 0) {
            throw new IOException(
                    "corrupt dead-letter writer state: "
                            + in.available()
                            + " bytes after the last letter");
        }
        return new PendingDeadLetters(letters);
    }

    private static DeadLetterReason reason(String code) throws IOException {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (reason.code().equals(code)) {
                return reason;
            }
        }
        throw new IOException("unknown dead-letter reason '" + code + "' in writer state");
    }

    private static void writeString(DataOutputSerializer out, String value) throws IOException {
        writeBytes(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputDeserializer in) throws IOException {
        byte[] bytes = readBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Length -1 for null; strings as UTF-8 bytes, because writeUTF stops at 64 KiB. */
    private static void writeBytes(DataOutputSerializer out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputDeserializer in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException(
                    "corrupt dead-letter writer state: field of " + length + " bytes");
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
