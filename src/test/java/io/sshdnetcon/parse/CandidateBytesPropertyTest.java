package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.file.NdjsonLines;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.rule.CandidateBytes;
import io.sshdnetcon.testing.SpecEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The byte prefilter against the full parser, on generated fleet traffic rewritten in the many ways
 * JSON allows ({@code \/} and {@code \}{@code u} escapes in any string or key, dotted keys,
 * whitespace), and on randomly damaged bytes. Whatever the full parser classifies as a candidate
 * must pass the prefilter, and the {@code candidates} mode must give exactly the full parser's
 * result for it; what that mode skips must be something the full parser finds irrelevant or
 * malformed, with the same time and host when it is valid. Seeded: a failure names its seed.
 */
class CandidateBytesPropertyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VARIANTS_PER_RECORD = 3;

    /** Structural bytes, escape starts, and broken UTF-8. */
    private static final byte[] DAMAGE = {
        '{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', ' ', 'a', (byte) 0xc3, (byte) 0xff
    };

    private static List<byte[]> fleet;

    private final EcsEventParser all = new EcsEventParser(1 << 22, Validation.ALL);
    private final EcsEventParser candidatesOnly =
            new EcsEventParser(1 << 22, Validation.CANDIDATES);
    private final Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);

    @BeforeAll
    static void generate() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FleetGenerator(
                        FleetConfig.of(6_000, 50, 7)
                                .withAttacks(30)
                                .withMalformedRate(0.02)
                                .withDuplicateRate(0.01))
                .writeTo(out);
        NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(out.toByteArray()), 1 << 22);
        fleet = new ArrayList<>();
        while (lines.next()) {
            fleet.add(lines.copy());
        }
        // The spec's own shapes, array and edge values included.
        for (SpecEvents.Builder b :
                List.of(
                        SpecEvents.exec("E").at(0),
                        SpecEvents.connect("N").at(300),
                        SpecEvents.connect("N6").destination("2001:4860::8888").at(400),
                        SpecEvents.exec("EA").array("event.type", "start", "change").at(0),
                        SpecEvents.connect("NA").array("destination.ip", "8.8.8.8").at(1),
                        SpecEvents.unrelated("U").at(2))) {
            fleet.add(b.bytes());
        }
    }

    @Test
    void everyCandidatePassesAndTheCandidatesModeAgreesWithTheFullParser() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int candidates = 0;
        int hiddenNeedles = 0;
        for (byte[] line : fleet) {
            candidates += check(line, seed) ? 1 : 0;
            JsonNode tree;
            try {
                tree = JSON.readTree(line);
            } catch (IOException e) {
                continue; // a malformed line of the generator: damaged bytes cover those
            }
            if (tree == null || !tree.isObject()) {
                continue;
            }
            for (int v = 0; v < VARIANTS_PER_RECORD; v++) {
                // The first variant escapes anywhere; the others only in needles, so the rest of
                // the traffic stays skippable.
                Rewriter rewriter = new Rewriter(random, v == 0 ? 0.3 : 0);
                byte[] variant = rewriter.write(tree);
                candidates += check(variant, seed) ? 1 : 0;
                if (rewriter.escapedANeedle) {
                    hiddenNeedles++;
                }
            }
        }
        // The corpus really exercised both sides of the filter and the escapes that hide needles.
        assertThat(candidates).as("candidates checked").isGreaterThan(1_000);
        assertThat(hiddenNeedles).as("variants with a needle behind an escape").isGreaterThan(100);
        assertThat(seen.getOrDefault(Outcome.SKIPPED, 0))
                .as("records skipped")
                .isGreaterThan(5_000);
    }

    @Test
    void damagedBytesNeverHideACandidate() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (byte[] line : fleet) {
            if (line.length == 0) {
                continue;
            }
            for (int v = 0; v < 2; v++) {
                byte[] damaged = line.clone();
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(damaged.length);
                    damaged[at] = DAMAGE[random.nextInt(DAMAGE.length)];
                }
                check(damaged, seed);
            }
        }
        assertThat(seen.getOrDefault(Outcome.MALFORMED, 0)).as("malformed seen").isPositive();
    }

    /** Checks one record; whether the full parser calls it a candidate. */
    private boolean check(byte[] record, long seed) {
        String shown = new String(record, StandardCharsets.UTF_8);
        ParsedRecord full = all.parse(record, "t", 0, 0);
        ParsedRecord fast = candidatesOnly.parse(record, "t", 0, 0);
        seen.merge(fast.outcome(), 1, Integer::sum);
        boolean passes = CandidateBytes.mayBeCandidate(record, 0, record.length);
        if (full.outcome() == Outcome.CANDIDATE) {
            assertThat(passes)
                    .as("seed %d: a candidate the prefilter rules out: %s", seed, shown)
                    .isTrue();
        }
        if (fast.outcome() == Outcome.SKIPPED) {
            assertThat(passes).as("seed %d: skipped though it passes: %s", seed, shown).isFalse();
            assertThat(full.outcome())
                    .as("seed %d: skipped: %s", seed, shown)
                    .isIn(Outcome.IRRELEVANT, Outcome.MALFORMED);
            if (full.outcome() == Outcome.IRRELEVANT && full.hostId() != null) {
                assertThat(fast.timestamp())
                        .as("seed %d: time of %s", seed, shown)
                        .isEqualTo(full.timestamp());
                assertThat(fast.hostId())
                        .as("seed %d: host of %s", seed, shown)
                        .isEqualTo(full.hostId());
            }
        } else {
            assertThat(fast.outcome()).as("seed %d: %s", seed, shown).isEqualTo(full.outcome());
            assertThat(fast.timestamp()).isEqualTo(full.timestamp());
            assertThat(fast.hostId()).isEqualTo(full.hostId());
            assertThat(String.valueOf(fast.event())).isEqualTo(String.valueOf(full.event()));
            if (full.deadLetter() != null) {
                assertThat(fast.deadLetter().reason()).isEqualTo(full.deadLetter().reason());
            }
        }
        return full.outcome() == Outcome.CANDIDATE;
    }

    /**
     * Writes a JSON tree back with random but equivalent spellings: characters of strings and keys
     * as {@code \}{@code u} escapes (either hex case), {@code /} as {@code \/}, objects flattened
     * into dotted keys, whitespace between tokens, members in any order.
     */
    private static final class Rewriter {
        private static final List<String> NEEDLES = List.of("sshd", "connection_attempted", "exec");

        private final Random random;
        private final double escapeRate;
        private final StringBuilder out = new StringBuilder();
        boolean escapedANeedle;

        Rewriter(Random random, double escapeRate) {
            this.random = random;
            this.escapeRate = escapeRate;
        }

        byte[] write(JsonNode tree) {
            value(tree);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        private void value(JsonNode node) {
            space();
            if (node.isObject()) {
                out.append('{');
                members(node, "", true);
                space();
                out.append('}');
            } else if (node.isArray()) {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(node.get(i));
                }
                space();
                out.append(']');
            } else if (node.isTextual()) {
                string(node.asText());
            } else {
                out.append(node.toString());
            }
        }

        /** Writes the members of {@code node}, under the dotted {@code prefix}. */
        private boolean members(JsonNode node, String prefix, boolean first) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            if (random.nextBoolean()) {
                Collections.shuffle(fields, random); // key order carries no meaning
            }
            for (Map.Entry<String, JsonNode> field : fields) {
                String key = prefix + field.getKey();
                JsonNode value = field.getValue();
                if (value.isObject() && value.size() > 0 && random.nextInt(4) == 0) {
                    first = members(value, key + ".", first);
                    continue;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                space();
                string(key);
                space();
                out.append(':');
                value(value);
            }
            return first;
        }

        private void string(String s) {
            boolean[] inNeedle = new boolean[s.length()];
            for (String needle : NEEDLES) {
                for (int at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
                    for (int i = at; i < at + needle.length(); i++) {
                        inNeedle[i] = true;
                    }
                }
            }
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean escape = random.nextDouble() < (inNeedle[i] ? 0.3 : escapeRate);
                if (c == '"' || c == '\\' || c < 0x20 || (escape && c != '/')) {
                    if (inNeedle[i] && escape) {
                        escapedANeedle = true;
                    }
                    String hex = String.format("%04x", (int) c);
                    out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase());
                } else if (c == '/' && random.nextBoolean()) {
                    out.append("\\/");
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        private void space() {
            if (random.nextInt(8) == 0) {
                out.append(" \n\t\r".charAt(random.nextInt(4)));
            }
        }
    }
}
