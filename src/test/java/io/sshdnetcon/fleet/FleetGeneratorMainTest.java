package io.sshdnetcon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FleetGeneratorMainTest {

    @TempDir Path dir;

    private record Run(int exitCode, String stdout, String stderr, byte[] stdoutBytes) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                FleetGeneratorMain.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8),
                out.toByteArray());
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        Run help = run("--help");
        assertThat(help.exitCode).isZero();
        assertThat(help.stdout)
                .contains("--events N", "--disorder-ms D", "--malformed RATE", "--gzip")
                .contains(
                        "--skewed-hosts K",
                        "--skew-ms S",
                        "--delayed-hosts K",
                        "--delay-ms D",
                        "--stepping-hosts K",
                        "--step-ms S");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--hosts 5 --seed 1 --out - | --events is required",
                "--events 100 --seed 1 --out - | --hosts is required",
                "--events 100 --hosts 5 --out - | --seed is required",
                "--events 100 --hosts 5 --seed 1 | --out is required",
                "--events ten --hosts 5 --seed 1 --out - | --events needs a whole number",
                "--events 0 --hosts 5 --seed 1 --out - | events must be >= 1",
                "--events 100 --hosts 1 --seed 1 --out - | hosts must be >= 2",
                "--events 100 --hosts 5 --seed 1 --out - --attacks 5 | need at least",
                "--events 100 --hosts 5 --seed 1 --out - --duplicates 1.5 | duplicate rate must be"
                        + " within [0, 1]",
                "--events 100 --hosts 5 --seed 1 --out - --malformed NaN | --malformed needs a"
                        + " number",
                "--events 100 --hosts 5 --seed 1 --out - --disorder-ms -1 | disorder must be >= 0",
                "--events 100 --hosts 5 --seed 1 --out - --events-per-second 0 | events per second"
                        + " must be > 0",
                "--events 100 --hosts 5 --seed 1 --out - --start yesterday | --start needs an"
                        + " ISO-8601 instant",
                "--events 100 --hosts 5 --seed 1 --out - --frobnicate | unknown argument:"
                        + " --frobnicate",
                "--events 100 --hosts 5 --seed 1 --out | --out needs a value",
                "--events 100 --hosts 99999999999 --seed 1 --out - | --hosts is out of range",
                "--events 100 --hosts 5 --seed 1 --out - --skewed-hosts 1 | skewed hosts need a"
                        + " skew other than 0 (--skew-ms)",
                "--events 100 --hosts 5 --seed 1 --out - --skew-ms -600000 | a skew of -600000 ms"
                        + " needs skewed hosts",
                "--events 100 --hosts 5 --seed 1 --out - --delayed-hosts 1 --delay-ms -5 | delay"
                        + " must be > 0 ms",
                "--events 100 --hosts 5 --seed 1 --out - --stepping-hosts -1 --step-ms 5 |"
                        + " stepping hosts must be >= 0",
                "--events 100 --hosts 5 --seed 1 --out - --stepping-hosts 1 --step-ms"
                        + " 99999999999 | step must be within",
                "--events 100 --hosts 5 --seed 1 --out - --skewed-hosts 3 --skew-ms 1"
                        + " --delayed-hosts 3 --delay-ms 1 | 6 hosts with clock faults need at"
                        + " least as many hosts, got 5",
                "--events 100 --hosts 40 --seed 1 --out - --skewed-hosts 40 --skew-ms 1 | Linux"
                        + " hosts of 40",
            })
    void badArgumentsExitWithTwoAndSayWhy(String args, String message) {
        Run bad = run(args.split(" "));
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.stderr).contains(message).contains("--help");
        assertThat(bad.stdout).isEmpty();
    }

    @Test
    void writesToStdoutWithASummaryOnStderr() {
        Run ok =
                run(
                        "--events",
                        "3000",
                        "--hosts",
                        "8",
                        "--seed",
                        "42",
                        "--out",
                        "-",
                        "--attacks",
                        "2");
        assertThat(ok.exitCode).isZero();
        assertThat(ok.stdout.lines()).hasSize(3000);
        assertThat(ok.stderr.strip())
                .startsWith("fleet: wrote 3000 events")
                .contains("planted 2 attacks and 6 near misses")
                .doesNotContain("\n");
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        try {
            new FleetGenerator(FleetConfig.of(3000, 8, 42).withAttacks(2)).writeTo(direct);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(ok.stdoutBytes).isEqualTo(direct.toByteArray());
    }

    @Test
    void writesGzipToAFileWithEveryOption() throws IOException {
        Path file = dir.resolve("fleet.ndjson.gz");
        Run ok =
                run(
                        "--events",
                        "4000",
                        "--hosts",
                        "10",
                        "--seed",
                        "7",
                        "--out",
                        file.toString(),
                        "--gzip",
                        "--start",
                        "2025-12-31T23:59:30Z",
                        "--events-per-second",
                        "250",
                        "--attacks",
                        "3",
                        "--disorder-ms",
                        "800",
                        "--duplicates",
                        "0.02",
                        "--malformed",
                        "0.01");
        assertThat(ok.exitCode).isZero();
        assertThat(ok.stdout).isEmpty();
        byte[] plain;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            plain = in.readAllBytes();
        }
        FleetConfig config =
                new FleetConfig(
                        4000,
                        10,
                        7,
                        java.time.Instant.parse("2025-12-31T23:59:30Z"),
                        250,
                        3,
                        800,
                        0.02,
                        0.01);
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        FleetReport report = new FleetGenerator(config).writeTo(direct);
        assertThat(plain).isEqualTo(direct.toByteArray());
        assertThat(ok.stderr)
                .contains("+ " + report.duplicatesWritten() + " duplicates")
                .contains("+ " + report.malformedTotal() + " malformed lines");
        assertThat(new String(plain, 0, 200, StandardCharsets.UTF_8))
                .contains("\"@timestamp\":\"2025-12-31T23:59");
    }

    @Test
    void clockFaultOptionsReachTheGeneratorAndTheSummaryNamesTheHosts() {
        Run ok =
                run(
                        "--events",
                        "4000",
                        "--hosts",
                        "12",
                        "--seed",
                        "9",
                        "--out",
                        "-",
                        "--attacks",
                        "3",
                        "--skewed-hosts",
                        "1",
                        "--skew-ms",
                        "-600000",
                        "--delayed-hosts",
                        "1",
                        "--delay-ms",
                        "2000",
                        "--stepping-hosts",
                        "1",
                        "--step-ms",
                        "3600000");
        assertThat(ok.exitCode).isZero();
        FleetConfig config =
                FleetConfig.of(4000, 12, 9)
                        .withAttacks(3)
                        .withSkewedHosts(1, -600_000)
                        .withDelayedHosts(1, 2_000)
                        .withSteppingHosts(1, 3_600_000);
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        FleetReport report;
        try {
            report = new FleetGenerator(config).writeTo(direct);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(ok.stdoutBytes).isEqualTo(direct.toByteArray());
        assertThat(report.hostClocks())
                .extracting(HostClock::fault)
                .containsExactly(
                        HostClock.Fault.SKEWED, HostClock.Fault.DELAYED, HostClock.Fault.STEPPING);
        assertThat(ok.stderr.strip())
                .isEqualTo(report.summary())
                .contains(
                        report.hostClocks().get(0).hostName() + " skewed -600000 ms",
                        report.hostClocks().get(1).hostName() + " offline 2000 ms of every 4000 ms",
                        report.hostClocks().get(2).hostName() + " steps +3600000 ms at ");
    }

    @Test
    void anUnwritableOutputExitsWithOne() {
        Run failed =
                run(
                        "--events",
                        "100",
                        "--hosts",
                        "5",
                        "--seed",
                        "1",
                        "--attacks",
                        "0",
                        "--out",
                        dir.resolve("missing-dir").resolve("x.ndjson").toString());
        assertThat(failed.exitCode).isEqualTo(1);
        assertThat(failed.stderr).contains("error: writing");
    }
}
