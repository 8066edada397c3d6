package io.sshdnetcon.file;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes one line per element to a local file, or to standard output for {@code -}. Meant for
 * replay on an embedded cluster: one writer (parallelism 1), no transactions.
 */
public final class NdjsonFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    public static final String STDOUT = "-";
    private static final int BUFFER_BYTES = 1 << 16;

    private final String path;
    private final LineEncoder<T> encoder;

    public NdjsonFileSink(String path, LineEncoder<T> encoder) {
        this.path = path;
        this.encoder = encoder;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        int parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
        if (parallelism != 1) {
            throw new IllegalStateException(
                    "an NDJSON file sink must run with parallelism 1, not " + parallelism);
        }
        return new Writer<>(open(path), encoder);
    }

    private static OutputStream open(String path) throws IOException {
        if (STDOUT.equals(path)) {
            // Do not close the process's stdout when the job ends.
            return new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        Path file = Path.of(path);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newOutputStream(file);
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final OutputStream out;
        private final LineEncoder<T> encoder;

        Writer(OutputStream out, LineEncoder<T> encoder) {
            this.out = new BufferedOutputStream(out, BUFFER_BYTES);
            this.encoder = encoder;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(encoder.encode(element));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
