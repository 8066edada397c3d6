package io.sshdnetcon.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.SpecEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProduceEventsToolITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    @TempDir Path dir;

    /** The lines of the test file as the records' values must be: exactly these bytes. */
    private static List<String> events() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(SpecEvents.exec("h1-" + i).host("h1").at(i).json());
        }
        for (int i = 0; i < 3; i++) {
            lines.add(
                    "{\"@timestamp\" : \"2026-01-05T10:00:0"
                            + i
                            + "Z\", \"host.id\":\"h2\",  \"message\":\"dotted ü\"}");
        }
        lines.add(SpecEvents.exec("no-host").remove("host.id").json());
        lines.add("not json at all");
        lines.add(SpecEvents.connect("h3-0").host("h3").json());
        return lines;
    }

    private record Run(int status, String out, String err) {}

    private static Run produce(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                ProduceEventsTool.run(
                        args,
                        stdin,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyLineBecomesOneRecordKeyedByHostIdWithItsExactBytes() throws Exception {
        String topic = KAFKA.createTopic("it-produce", 4, false);
        Path file = dir.resolve("events.ndjson");
        // CRLF on one line and an empty line: neither is part of any event.
        List<String> lines = events();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i)).append(i == 3 ? "\r\n" : "\n");
            if (i == 6) {
                text.append("\n");
            }
        }
        Files.writeString(file, text);

        Run run =
                produce(
                        InputStream.nullInputStream(),
                        "--events",
                        file.toString(),
                        "--bootstrap-servers",
                        KAFKA.bootstrap(),
                        "--topic",
                        topic);

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out)
                .startsWith("produced 11 records (" + bytes(lines) + " bytes) to " + topic + " in ")
                .contains("records/s; 2 without host.id, 1 empty lines skipped, 0 failed");
        assertRecords(KAFKA.readAll(topic), lines);
    }

    @Test
    void gzipFromStandardInputAtALimitedRate() throws Exception {
        String topic = KAFKA.createTopic("it-produce-gz", 2, false);
        List<String> lines = events();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        long start = System.nanoTime();
        Run run =
                produce(
                        new ByteArrayInputStream(gz.toByteArray()),
                        "--events",
                        "-",
                        "--bootstrap-servers",
                        KAFKA.bootstrap(),
                        "--topic",
                        topic,
                        "--rate",
                        "20");
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(run.status).as(run.err).isZero();
        assertThat(seconds).as("11 events at 20/s take at least 0.5 s").isGreaterThanOrEqualTo(0.5);
        assertRecords(KAFKA.readAll(topic), lines);
    }

    @Test
    void aMissingTopicIsReportedClearly() throws Exception {
        Path file = dir.resolve("one.ndjson");
        Files.writeString(file, "{}\n");

        Run run =
                produce(
                        InputStream.nullInputStream(),
                        "--events",
                        file.toString(),
                        "--bootstrap-servers",
                        KAFKA.bootstrap(),
                        "--topic",
                        "it-produce-missing");

        assertThat(run.status).isEqualTo(1);
        assertThat(run.err).contains("topic 'it-produce-missing' does not exist; create it first");
    }

    private static void assertRecords(
            List<ConsumerRecord<byte[], byte[]>> records, List<String> lines) {
        assertThat(records).hasSize(lines.size());
        assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                .containsExactlyInAnyOrderElementsOf(lines);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            String key =
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            assertThat(key).as(value).isEqualTo(expectedKey(value));
        }
        // Each host's events share one partition, in file order.
        for (String host : List.of("h1", "h2")) {
            List<ConsumerRecord<byte[], byte[]>> ofHost =
                    records.stream()
                            .filter(
                                    r ->
                                            r.key() != null
                                                    && new String(r.key(), StandardCharsets.UTF_8)
                                                            .equals(host))
                            .toList();
            assertThat(ofHost.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
            assertThat(ofHost.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                    .containsExactlyElementsOf(
                            lines.stream()
                                    .filter(
                                            l ->
                                                    expectedKey(l) != null
                                                            && expectedKey(l).equals(host))
                                    .toList());
        }
    }

    private static String expectedKey(String line) {
        if (line.contains("\"host.id\":\"h2\"")) {
            return "h2";
        }
        for (String host : List.of("h1", "h3")) {
            if (line.contains("\"host\":{") && line.contains("\"id\":\"" + host + "\"")) {
                return host;
            }
        }
        return null;
    }

    private static long bytes(List<String> lines) {
        return lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length).sum();
    }
}
