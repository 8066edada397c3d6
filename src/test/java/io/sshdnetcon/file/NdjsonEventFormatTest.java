package io.sshdnetcon.file;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.ParserSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonEventFormatTest {

    @TempDir Path dir;

    private List<ParsedRecord> read(byte[] content, int maxRecordBytes) throws Exception {
        Path file = dir.resolve("events.ndjson");
        Files.write(file, content);
        NdjsonEventFormat format =
                new NdjsonEventFormat(
                        "events.ndjson", ParserSettings.validatingAll(maxRecordBytes));
        List<ParsedRecord> records = new ArrayList<>();
        try (StreamFormat.Reader<ParsedRecord> reader =
                format.createReader(
                        new Configuration(),
                        FileSystem.getLocalFileSystem()
                                .open(new org.apache.flink.core.fs.Path(file.toUri())))) {
            ParsedRecord r;
            while ((r = reader.read()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    private List<ParsedRecord> read(String content) throws Exception {
        return read(content.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    @Test
    void oneRecordPerLineNumberedFromOne() throws Exception {
        List<ParsedRecord> records = read(exec("E").json() + "\n" + connect("N").json() + "\n");
        assertThat(records).extracting(ParsedRecord::offset).containsExactly(1L, 2L);
        assertThat(records).extracting(r -> r.event().eventId()).containsExactly("E", "N");
        assertThat(records).extracting(ParsedRecord::source).containsOnly("events.ndjson");
    }

    @Test
    void lastLineNeedsNoNewlineAndCarriageReturnsAreDropped() throws Exception {
        List<ParsedRecord> records = read(exec("E").json() + "\r\n" + connect("N").json());
        assertThat(records).extracting(r -> r.event().eventId()).containsExactly("E", "N");
        assertThat(new String(records.get(0).event().raw(), StandardCharsets.UTF_8))
                .isEqualTo(exec("E").json());
    }

    @Test
    void anEmptyLineIsAMalformedRecordNotAGap() throws Exception {
        List<ParsedRecord> records = read(exec("E").json() + "\n\n" + connect("N").json() + "\n");
        assertThat(records)
                .extracting(ParsedRecord::outcome)
                .containsExactly(Outcome.CANDIDATE, Outcome.MALFORMED, Outcome.CANDIDATE);
        assertThat(records.get(1).deadLetter().offset()).isEqualTo(2);
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsIgnored() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.write(exec("E").bytes());
        assertThat(read(out.toByteArray(), 1 << 20))
                .extracting(ParsedRecord::outcome)
                .containsExactly(Outcome.CANDIDATE);
    }

    @Test
    void linesSpanningReadChunksAreReassembled() throws Exception {
        String padding = "p".repeat(200_000);
        List<ParsedRecord> records =
                read(exec("E").set("process.args", padding).json() + "\n" + connect("N").json());
        assertThat(records).extracting(r -> r.event().eventId()).containsExactly("E", "N");
        assertThat(records.get(0).event().raw()).hasSizeGreaterThan(200_000);
    }

    @Test
    void aLineOverTheLimitIsDeadLetteredAndReadingContinues() throws Exception {
        byte[] content =
                (exec("big").set("process.args", "x".repeat(300_000)).json()
                                + "\n"
                                + connect("N").json()
                                + "\n")
                        .getBytes(StandardCharsets.UTF_8);
        List<ParsedRecord> records = read(content, 4096);

        assertThat(records).hasSize(2);
        assertThat(records.get(0).deadLetter().reason())
                .isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
        assertThat(records.get(0).deadLetter().payload()).hasSize(4096);
        assertThat(records.get(1).event().eventId()).isEqualTo("N");
        assertThat(records.get(1).offset()).isEqualTo(2);
    }

    @Test
    void invalidUtf8ReachesTheDeadLetterByteForByte() throws Exception {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bad);
        out.write('\n');
        out.write(exec("E").bytes());
        List<ParsedRecord> records = read(out.toByteArray(), 1 << 20);
        assertThat(records.get(0).deadLetter().payload()).isEqualTo(bad);
        assertThat(records.get(1).outcome()).isEqualTo(Outcome.CANDIDATE);
    }
}
