package io.sshdnetcon.file;

import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.ParserSettings;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;

/**
 * The replay input's format: {@link NdjsonEventFormat} reading the {@link HostShare} its split
 * names. A stream format is not told its split, so this bulk format reads the share from the split
 * and hands the reading to Flink's own adapter for stream formats, which also keeps the position
 * (records emitted since the split's start) that a restore skips.
 */
public final class HostShareFormat implements BulkFormat<ParsedRecord, FileSourceSplit> {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final ParserSettings parser;

    /**
     * @param sourceName how dead letters name the input
     * @param parser the record limit and validation mode
     */
    public HostShareFormat(String sourceName, ParserSettings parser) {
        this.sourceName = sourceName;
        this.parser = parser;
    }

    @Override
    public Reader<ParsedRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return formatFor(split).createReader(config, split);
    }

    @Override
    public Reader<ParsedRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return formatFor(split).restoreReader(config, split);
    }

    private StreamFormatAdapter<ParsedRecord> formatFor(FileSourceSplit split) {
        return new StreamFormatAdapter<>(
                new NdjsonEventFormat(sourceName, parser, HostShare.ofSplitId(split.splitId())));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
