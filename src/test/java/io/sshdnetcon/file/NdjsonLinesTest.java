package io.sshdnetcon.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class NdjsonLinesTest {

    private static List<String> read(byte[] input, int max) throws IOException {
        NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(input), max);
        List<String> read = new ArrayList<>();
        while (lines.next()) {
            read.add(
                    new String(
                            lines.buffer(),
                            lines.offset(),
                            lines.length(),
                            StandardCharsets.UTF_8));
        }
        return read;
    }

    @Test
    void linesDropTerminatorsAndTheByteOrderMark() throws IOException {
        byte[] input = "\uFEFF{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}".getBytes(StandardCharsets.UTF_8);
        NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(input), 1000);

        List<String> read = new ArrayList<>();
        while (lines.next()) {
            read.add(new String(lines.copy(), StandardCharsets.UTF_8));
        }

        assertThat(read).containsExactly("{\"a\":1}", "", "{\"b\":2}", "{\"c\":3}");
        assertThat(lines.lineNumber()).isEqualTo(4);
    }

    @Test
    void aByteOrderMarkIsDroppedOnTheFirstLineOnly() throws IOException {
        byte[] input = "\uFEFFa\n\uFEFFb\n".getBytes(StandardCharsets.UTF_8);

        assertThat(read(input, 1000)).containsExactly("a", "\uFEFFb");
    }

    @Test
    void emptyInputHasNoLinesAndAFinalNewlineAddsNone() throws IOException {
        assertThat(read(new byte[0], 10)).isEmpty();
        assertThat(read("x\n".getBytes(StandardCharsets.UTF_8), 10)).containsExactly("x");
    }

    @Test
    void longLinesSpanChunks() throws IOException {
        String big = "{\"x\":\"" + "y".repeat(200_000) + "\"}";
        byte[] input = (big + "\n" + big).getBytes(StandardCharsets.UTF_8);

        assertThat(read(input, 1 << 20)).containsExactly(big, big);
    }

    @Test
    void aLineOverTheLimitKeepsItsFirstBytesAndItsFullLength() throws IOException {
        String big = "z".repeat(300_000);
        byte[] input = ("ok\n" + big + "\r\nnext\n").getBytes(StandardCharsets.UTF_8);
        NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(input), 100_000);

        assertThat(lines.next()).isTrue();
        assertThat(lines.truncated()).isFalse();
        assertThat(lines.next()).isTrue();
        assertThat(lines.truncated()).isTrue();
        assertThat(lines.fullLength()).isEqualTo(300_001);
        assertThat(lines.length()).isEqualTo(100_001);
        assertThat(lines.lineNumber()).isEqualTo(2);
        assertThat(lines.next()).isTrue();
        assertThat(lines.truncated()).isFalse();
        assertThat(new String(lines.copy(), StandardCharsets.UTF_8)).isEqualTo("next");
        assertThat(lines.next()).isFalse();
    }

    @Test
    void aLineExactlyAtTheLimitIsWhole() throws IOException {
        String line = "w".repeat(70_000);
        NdjsonLines lines =
                new NdjsonLines(
                        new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)),
                        70_000);

        assertThat(lines.next()).isTrue();
        assertThat(lines.truncated()).isFalse();
        assertThat(lines.length()).isEqualTo(70_000);
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesNotByAName() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write("{\"a\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8));
        }
        InputStream in = Gzip.decompressIfGzip(new ByteArrayInputStream(zipped.toByteArray()));
        NdjsonLines lines = new NdjsonLines(in, 100);
        List<String> read = new ArrayList<>();
        while (lines.next()) {
            read.add(new String(lines.copy(), StandardCharsets.UTF_8));
        }
        assertThat(read).containsExactly("{\"a\":1}", "{\"b\":2}");

        byte[] plain = "\u001f not gzip\n".getBytes(StandardCharsets.UTF_8);
        assertThat(Gzip.decompressIfGzip(new ByteArrayInputStream(plain)).readAllBytes())
                .isEqualTo(plain);
    }
}
