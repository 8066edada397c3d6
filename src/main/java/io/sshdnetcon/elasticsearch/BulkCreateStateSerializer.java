package io.sshdnetcon.elasticsearch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

/**
 * Checkpoint format of the sink's buffered {@link BulkCreate}s, written by hand so it depends on
 * nothing but this class (no Kryo, no client classes). Version 1, per entry: index (modified
 * UTF-8), id (modified UTF-8), source length (int), source bytes. Flink's base class adds a header
 * and each entry's size. A new format gets a new version and keeps reading this one.
 */
public final class BulkCreateStateSerializer extends AsyncSinkWriterStateSerializer<BulkCreate> {

    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public BufferedRequestState<BulkCreate> deserialize(int version, byte[] serialized)
            throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "unknown version "
                            + version
                            + " of the Elasticsearch sink's buffered state;"
                            + " this build reads version "
                            + VERSION
                            + " (was the savepoint written by a newer build?)");
        }
        return super.deserialize(version, serialized);
    }

    @Override
    protected void serializeRequestToStream(BulkCreate request, DataOutputStream out)
            throws IOException {
        out.writeUTF(request.index());
        out.writeUTF(request.id());
        out.writeInt(request.source().length);
        out.write(request.source());
    }

    @Override
    protected BulkCreate deserializeRequestFromStream(long requestSize, DataInputStream in)
            throws IOException {
        String index = in.readUTF();
        String id = in.readUTF();
        int length = in.readInt();
        if (length < 0 || length > requestSize) {
            throw new IOException(
                    "corrupt Elasticsearch sink state: a document of "
                            + length
                            + " bytes in an entry of "
                            + requestSize
                            + " bytes");
        }
        byte[] source = new byte[length];
        in.readFully(source);
        return new BulkCreate(index, id, source);
    }
}
