package io.sshdnetcon.file;

import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.event.ParsedRecord;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads newline-delimited ECS events from a file (gzip is decompressed by the file source) and
 * parses each line inside the source, so watermarks come from event time.
 *
 * <p>Lines are split on {@code \n}; a trailing {@code \r} and a leading UTF-8 byte-order mark are
 * dropped. Bytes are handed to the parser without decoding, so a line that is not valid UTF-8
 * reaches the dead letters exactly as it was. A line longer than the record limit is not buffered
 * whole: its first bytes are kept for the dead letter and the rest is skipped.
 */
public final class NdjsonEventFormat extends SimpleStreamFormat<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final int maxRecordBytes;

    /**
     * @param sourceName how dead letters name the input (for example the file path)
     * @param maxRecordBytes larger lines are dead-lettered
     */
    public NdjsonEventFormat(String sourceName, int maxRecordBytes) {
        this.sourceName = sourceName;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public Reader<ParsedRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream, new EcsEventParser(maxRecordBytes), sourceName);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    private static final class LineReader implements Reader<ParsedRecord> {
        private static final int CHUNK_BYTES = 1 << 16;

        private final FSDataInputStream in;
        private final EcsEventParser parser;
        private final String source;
        private final byte[] chunk = new byte[CHUNK_BYTES];
        private int pos;
        private int limit;
        private boolean eof;

        /** Holds a line only when it spans chunks; most lines are parsed inside {@link #chunk}. */
        private byte[] carry = new byte[CHUNK_BYTES];
        private int carried;
        private long lineNumber;

        LineReader(FSDataInputStream in, EcsEventParser parser, String source) {
            this.in = in;
            this.parser = parser;
            this.source = source;
        }

        @Override
        public ParsedRecord read() throws IOException {
            carried = 0;
            long length = 0;
            boolean sawAny = false;
            while (true) {
                if (pos == limit) {
                    if (eof || !fill()) {
                        if (!sawAny) {
                            return null;
                        }
                        return finish(carry, 0, carried, length);
                    }
                }
                sawAny = true;
                int newline = indexOfNewline();
                int end = newline < 0 ? limit : newline;
                int start = pos;
                pos = newline < 0 ? limit : newline + 1;
                if (newline >= 0 && carried == 0 && length == 0) {
                    return finish(chunk, start, end - start, end - start);
                }
                keep(start, end - start);
                length += end - start;
                if (newline >= 0) {
                    return finish(carry, 0, carried, length);
                }
            }
        }

        private ParsedRecord finish(byte[] buf, int off, int len, long fullLength) {
            lineNumber++;
            if (fullLength > parser.maxRecordBytes()) {
                return parser.tooLarge(buf, off, len, fullLength, source, -1, lineNumber);
            }
            if (len > 0 && buf[off + len - 1] == '\r') {
                len--;
            }
            if (lineNumber == 1 && len >= 3 && (buf[off] & 0xFF) == 0xEF
                    && (buf[off + 1] & 0xFF) == 0xBB && (buf[off + 2] & 0xFF) == 0xBF) {
                off += 3;
                len -= 3;
            }
            return parser.parse(buf, off, len, source, -1, lineNumber);
        }

        /** Appends to the carry buffer, but never more than the limit plus one byte. */
        private void keep(int start, int count) {
            int room = parser.maxRecordBytes() + 1 - carried;
            int n = Math.max(0, Math.min(count, room));
            if (carried + n > carry.length) {
                carry = Arrays.copyOf(carry, Math.max(carried + n, carry.length * 2));
            }
            System.arraycopy(chunk, start, carry, carried, n);
            carried += n;
        }

        private int indexOfNewline() {
            for (int i = pos; i < limit; i++) {
                if (chunk[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private boolean fill() throws IOException {
            int n = in.read(chunk, 0, chunk.length);
            if (n <= 0) {
                eof = true;
                pos = limit = 0;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
