package io.sshdnetcon.testing;

import io.sshdnetcon.detect.AlertDocumentWriter;
import io.sshdnetcon.detect.SequenceMatch;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.HostileCorpus.Case;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Worst per-record cost of hostile input (run by {@code scripts/bench-hostile.sh}): for each case
 * of {@link HostileCorpus}, the time to parse its hostile record and, for a qualifying pair, to
 * build the alert too; against the same for normal fleet events. Times are per record, in
 * microseconds, on one thread, after a warm-up; {@code ns/B} (the median per byte) shows the cost
 * is linear in the record size.
 */
public final class HostileInputBench {

    private static final long MIN_NANOS_PER_CASE = 300_000_000L;
    private static final int MIN_RUNS = 5;
    private static final int MAX_RUNS = 2000;
    private static final int WARM_UP_RUNS = 10_000;
    private static final long WARM_UP_NANOS = 1_000_000_000L;

    private final EcsEventParser parser = new EcsEventParser(HostileCorpus.RECORD_LIMIT);
    private final AlertDocumentWriter writer = new AlertDocumentWriter(RuleMetadata.get());

    public static void main(String[] args) throws IOException {
        new HostileInputBench().run();
    }

    private void run() throws IOException {
        List<Case> cases = HostileCorpus.all();
        // Warm-up: every path compiled before anything is measured.
        for (int round = 0; round < 3; round++) {
            for (Case c : cases) {
                pass(c);
            }
            for (int i = 0; i < 5000; i++) {
                pass(pairOfNormalEvents());
            }
        }
        System.out.printf(
                "%-40s %9s %-17s %10s %10s %7s%n",
                "case (hostile record)", "bytes", "outcome", "median_us", "max_us", "ns/B");
        normalEvents();
        for (Case c : cases) {
            measure(c);
        }
    }

    /** Generated fleet traffic, parsed record by record: the normal cost to compare with. */
    private void normalEvents() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FleetGenerator(FleetConfig.of(50_000, 100, 7)).writeTo(out);
        List<byte[]> lines = NdjsonLines.split(out.toByteArray());
        long[] nanos = new long[lines.size()];
        long bytes = 0;
        for (int round = 0; round < 3; round++) { // the last round is measured
            for (int i = 0; i < lines.size(); i++) {
                byte[] line = lines.get(i);
                long start = System.nanoTime();
                parser.parse(line, "bench", -1, i);
                nanos[i] = System.nanoTime() - start;
                bytes += round == 2 ? line.length : 0;
            }
        }
        print("normal fleet events (parse)", bytes / lines.size(), "mixed", nanos);

        Case normal = pairOfNormalEvents();
        measure(normal);
    }

    private static Case pairOfNormalEvents() {
        return new Case(
                "normal-pair",
                SpecEvents.exec("normal-E").bytes(),
                SpecEvents.connect("normal-N").at(100).bytes(),
                null,
                null,
                true);
    }

    /** Parses the hostile record (and its partner), builds the alert if it qualifies. */
    private void measure(Case c) throws IOException {
        boolean hostileExec = c.execReason() != null || c.exec().length > c.connect().length;
        byte[] hostile = hostileExec ? c.exec() : c.connect();
        // Warm-up of this case's own paths (deep recursion, long names, huge arrays).
        long warmUpStart = System.nanoTime();
        for (int i = 0; i < WARM_UP_RUNS && System.nanoTime() - warmUpStart < WARM_UP_NANOS; i++) {
            pass(c);
        }
        List<Long> runs = new ArrayList<>();
        String outcome = null;
        long budgetStart = System.nanoTime();
        for (int i = 0; i < MAX_RUNS; i++) {
            long start = System.nanoTime();
            outcome = pass(c);
            runs.add(System.nanoTime() - start);
            if (runs.size() >= MIN_RUNS && System.nanoTime() - budgetStart > MIN_NANOS_PER_CASE) {
                break;
            }
        }
        print(
                c.name(),
                hostile.length,
                outcome,
                runs.stream().mapToLong(Long::longValue).toArray());
    }

    /** Parses both events and builds the alert if both qualify; what became of the pair. */
    private String pass(Case c) throws IOException {
        ParsedRecord exec = parser.parse(c.exec(), "bench", -1, 1);
        ParsedRecord connect = parser.parse(c.connect(), "bench", -1, 2);
        if (exec.event() != null && connect.event() != null) {
            writer.write(new SequenceMatch(exec.event(), connect.event()), 0);
            return "alert";
        }
        ParsedRecord refused = exec.deadLetter() != null ? exec : connect;
        return refused.deadLetter() != null ? refused.deadLetter().reason().code() : "no alert";
    }

    private static void print(String name, long bytes, String outcome, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        long max = sorted[sorted.length - 1];
        System.out.printf(
                "%-40s %9d %-17s %10.1f %10.1f %7.1f%n",
                name, bytes, outcome, median / 1000.0, max / 1000.0, (double) median / bytes);
    }
}
