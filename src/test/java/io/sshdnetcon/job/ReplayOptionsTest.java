package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sshdnetcon.parse.Validation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayOptionsTest {

    @Test
    void readsEveryOption() {
        ReplayOptions o =
                ReplayOptions.parse(
                        new String[] {
                            "--events", "in.ndjson.gz", "--alerts", "-", "--dead-letter",
                                    "dl.ndjson",
                            "--late", "late.ndjson", "--max-out-of-orderness-ms", "1500",
                                    "--parallelism", "3",
                            "--max-record-bytes", "2048"
                        });

        assertThat(o.events()).isEqualTo("in.ndjson.gz");
        assertThat(o.alerts()).isEqualTo("-");
        assertThat(o.deadLetters()).isEqualTo("dl.ndjson");
        assertThat(o.lateEvents()).isEqualTo("late.ndjson");
        assertThat(o.parallelism()).isEqualTo(3);
        DetectorOptions.Settings s = DetectorOptions.read(o.detector());
        assertThat(s.maxOutOfOrderness()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.parser().maxRecordBytes()).isEqualTo(2048);
        assertThat(s.initialExclusions().version()).isZero();
    }

    @Test
    void defaultsAreDocumented() {
        ReplayOptions o = ReplayOptions.parse(new String[] {"--events", "a", "--alerts", "b"});
        DetectorOptions.Settings s = DetectorOptions.read(o.detector());
        assertThat(o.deadLetters()).isNull();
        assertThat(o.parallelism()).isEqualTo(ReplayOptions.DEFAULT_PARALLELISM);
        assertThat(s.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ReplayOptions.USAGE).contains("default 5000").contains("default 2");
    }

    @Test
    void rejectsBadCommandLinesWithAClearMessage() {
        assertThatThrownBy(() -> ReplayOptions.parse(new String[] {"--alerts", "-"}))
                .hasMessage("--events is required");
        assertThatThrownBy(
                        () ->
                                ReplayOptions.parse(
                                        new String[] {
                                            "--events", "a", "--alerts", "-", "--bogus", "1"
                                        }))
                .hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> ReplayOptions.parse(new String[] {"--events", "a", "--alerts"}))
                .hasMessage("--alerts needs a value");
        assertThatThrownBy(
                        () ->
                                ReplayOptions.parse(
                                        new String[] {
                                            "--events",
                                            "a",
                                            "--alerts",
                                            "-",
                                            "--max-out-of-orderness-ms",
                                            "-1"
                                        }))
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(
                        () ->
                                ReplayOptions.parse(
                                        new String[] {
                                            "--events", "a", "--alerts", "-", "--parallelism", "two"
                                        }))
                .hasMessageContaining("must be a whole number");
        assertThatThrownBy(
                        () ->
                                ReplayOptions.parse(
                                        new String[] {
                                            "--events", "a", "--alerts", "-", "--dead-letter", "-"
                                        }))
                .hasMessageContaining("same place");
    }

    @Test
    void validatesEveryRecordUnlessToldCandidatesOnly() {
        ReplayOptions plain = ReplayOptions.parse(new String[] {"--events", "a", "--alerts", "b"});
        ReplayOptions fast =
                ReplayOptions.parse(
                        new String[] {
                            "--events", "a", "--alerts", "b", "--validate", "Candidates"
                        });

        assertThat(DetectorOptions.read(plain.detector()).parser().validation())
                .isEqualTo(Validation.ALL);
        assertThat(DetectorOptions.read(fast.detector()).parser().validation())
                .isEqualTo(Validation.CANDIDATES);
        assertThatThrownBy(
                        () ->
                                ReplayOptions.parse(
                                        new String[] {
                                            "--events", "a", "--alerts", "b", "--validate", "some"
                                        }))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--validate must be 'all' or 'candidates', not 'some'");
    }

    @Test
    void anInvalidExclusionFileStopsTheStart() {
        ReplayOptions o =
                ReplayOptions.parse(
                        new String[] {
                            "--events",
                            "a",
                            "--alerts",
                            "b",
                            "--exclusions",
                            "/nonexistent/exclusions.json"
                        });
        assertThatThrownBy(() -> DetectorOptions.read(o.detector()))
                .hasMessageContaining("detector.exclusions-file")
                .hasMessageContaining("/nonexistent/exclusions.json");
    }

    @Test
    void helpNeedsNothingElse() {
        assertThat(ReplayOptions.parse(new String[] {"--help"}).help()).isTrue();
    }
}
