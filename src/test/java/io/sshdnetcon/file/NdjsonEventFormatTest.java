package io.sshdnetcon.file;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static io.sshdnetcon.testing.SpecEvents.unrelated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.ParserSettings;
import io.sshdnetcon.parse.Validation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NdjsonEventFormatTest {

    @TempDir Path dir;

    private List<ParsedRecord> read(byte[] content, int maxRecordBytes) throws Exception {
        return read(content, ParserSettings.validatingAll(maxRecordBytes), HostShare.ALL);
    }

    private List<ParsedRecord> read(byte[] content, ParserSettings settings, HostShare share)
            throws Exception {
        Path file = dir.resolve("events.ndjson");
        Files.write(file, content);
        NdjsonEventFormat format = new NdjsonEventFormat("events.ndjson", settings, share);
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

    /**
     * Read in shares, the file gives each record to exactly one reader, every host's records to the
     * same one in file order, and records without a host to the first; also when only a full parse
     * can name the host (an escape in it) or the record is too large to keep.
     */
    @ParameterizedTest
    @EnumSource(Validation.class)
    void sharesReadEveryRecordOnceAndEachHostInOneShareInOrder(Validation validation)
            throws Exception {
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            String host = "host-" + (i % 7);
            content.append(
                            switch (i % 5) {
                                case 0 -> exec("E" + i).host(host).at(i).json();
                                case 1 -> connect("N" + i).host(host).at(i).json();
                                case 2 -> unrelated("U" + i).host(host).at(i).json();
                                case 3 ->
                                        connect("X" + i)
                                                .host(host)
                                                .at(i)
                                                .json()
                                                .replace("\"id\":\"host-", "\"id\":\"\\u0068ost-");
                                default -> i % 2 == 0 ? "{\"broken\": " : "x".repeat(5000);
                            })
                    .append('\n');
        }
        byte[] bytes = content.toString().getBytes(StandardCharsets.UTF_8);
        ParserSettings settings = new ParserSettings(4096, validation);
        List<ParsedRecord> whole = read(bytes, settings, HostShare.ALL);

        int shares = 3;
        List<ParsedRecord> union = new ArrayList<>();
        Map<String, Integer> shareOfHost = new HashMap<>();
        for (int index = 0; index < shares; index++) {
            List<ParsedRecord> part = read(bytes, settings, new HostShare(index, shares));
            assertThat(part).extracting(ParsedRecord::offset).isSorted();
            for (ParsedRecord r : part) {
                String host = String.valueOf(r.hostId());
                assertThat(shareOfHost.putIfAbsent(host, index)).as(host).isIn(null, index);
            }
            union.addAll(part);
        }
        union.sort(java.util.Comparator.comparingLong(ParsedRecord::offset));
        assertThat(union)
                .extracting(ParsedRecord::offset, ParsedRecord::outcome, ParsedRecord::hostId)
                .containsExactlyElementsOf(
                        whole.stream()
                                .map(r -> tuple(r.offset(), r.outcome(), r.hostId()))
                                .toList());
        assertThat(shareOfHost.get("null")).isZero();
        assertThat(shareOfHost).containsKeys("host-0", "host-6");
        assertThat(new java.util.HashSet<>(shareOfHost.values())).hasSize(shares);
    }
}
