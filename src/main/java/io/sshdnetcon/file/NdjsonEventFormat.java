package io.sshdnetcon.file;

import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.parse.ParserSettings;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads newline-delimited ECS events from a file (gzip is decompressed by the file source) and
 * parses each line inside the source, so only the small projection travels on.
 *
 * <p>Lines come from {@link NdjsonLines}. Bytes are handed to the parser without decoding, so a
 * line that is not valid UTF-8 reaches the dead letters exactly as it was. A line longer than the
 * record limit is not buffered whole: its first bytes are kept for the dead letter.
 */
public final class NdjsonEventFormat extends SimpleStreamFormat<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final ParserSettings parser;
    private final HostShare share;

    /**
     * @param sourceName how dead letters name the input (for example the file path)
     * @param parser the record limit (larger lines are dead-lettered) and validation mode
     */
    public NdjsonEventFormat(String sourceName, ParserSettings parser) {
        this(sourceName, parser, HostShare.ALL);
    }

    /**
     * @param share the hosts whose lines this reader emits; the others are split off and dropped
     */
    public NdjsonEventFormat(String sourceName, ParserSettings parser, HostShare share) {
        this.sourceName = sourceName;
        this.parser = parser;
        this.share = share;
    }

    @Override
    public Reader<ParsedRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream, parser.newParser(), sourceName, share);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    private static final class LineReader implements Reader<ParsedRecord> {
        private final FSDataInputStream in;
        private final NdjsonLines lines;
        private final EcsEventParser parser;
        private final String source;
        private final HostShare share;

        LineReader(FSDataInputStream in, EcsEventParser parser, String source, HostShare share) {
            this.in = in;
            this.lines = new NdjsonLines(in, parser.maxRecordBytes());
            this.parser = parser;
            this.source = source;
            this.share = share;
        }

        @Override
        public ParsedRecord read() throws IOException {
            while (lines.next()) {
                ParsedRecord record = readOwnedLine();
                if (record != null) {
                    return record;
                }
            }
            return null;
        }

        /** The current line's record, or null when it belongs to another share. */
        private ParsedRecord readOwnedLine() {
            if (lines.truncated()) {
                return share.owns(null)
                        ? parser.tooLarge(
                                lines.buffer(),
                                lines.offset(),
                                lines.length(),
                                lines.fullLength(),
                                source,
                                -1,
                                lines.lineNumber())
                        : null;
            }
            byte[] buf = lines.buffer();
            int off = lines.offset();
            int len = lines.length();
            if (share.count() > 1) {
                String host = parser.scanHostId(buf, off, len);
                if (host != null && !share.owns(host)) {
                    return null;
                }
                if (host == null) {
                    // The scan could not tell: the full parse names the host, or finds none.
                    ParsedRecord record = parse(buf, off, len);
                    return share.owns(record.hostId()) ? record : null;
                }
            }
            return parse(buf, off, len);
        }

        private ParsedRecord parse(byte[] buf, int off, int len) {
            return parser.parse(buf, off, len, source, -1, lines.lineNumber());
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
