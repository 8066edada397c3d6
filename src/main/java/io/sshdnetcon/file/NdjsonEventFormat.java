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

    /**
     * @param sourceName how dead letters name the input (for example the file path)
     * @param parser the record limit (larger lines are dead-lettered) and validation mode
     */
    public NdjsonEventFormat(String sourceName, ParserSettings parser) {
        this.sourceName = sourceName;
        this.parser = parser;
    }

    @Override
    public Reader<ParsedRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new LineReader(stream, parser.newParser(), sourceName);
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

        LineReader(FSDataInputStream in, EcsEventParser parser, String source) {
            this.in = in;
            this.lines = new NdjsonLines(in, parser.maxRecordBytes());
            this.parser = parser;
            this.source = source;
        }

        @Override
        public ParsedRecord read() throws IOException {
            if (!lines.next()) {
                return null;
            }
            if (lines.truncated()) {
                return parser.tooLarge(
                        lines.buffer(),
                        lines.offset(),
                        lines.length(),
                        lines.fullLength(),
                        source,
                        -1,
                        lines.lineNumber());
            }
            return parser.parse(
                    lines.buffer(), lines.offset(), lines.length(), source, -1, lines.lineNumber());
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
