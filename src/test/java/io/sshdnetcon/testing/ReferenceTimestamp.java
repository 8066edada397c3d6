package io.sshdnetcon.testing;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oracle's {@code @timestamp} parser (decision 3): the shape of Elasticsearch's {@code
 * strict_date_optional_time}, written as one regular expression so it can be read against the
 * accepted and rejected forms listed in {@code ReferenceDetectorTest.Timestamps}.
 *
 * <p>{@code yyyy-MM-dd}, optionally {@code 'T'HH:mm}, optionally {@code :ss}, optionally {@code .}
 * and 1-9 fraction digits, then (only after a time) an optional offset {@code Z}, {@code ±HH:mm},
 * {@code ±HHmm} or {@code ±HH}. No offset means UTC. The result is epoch milliseconds, truncated
 * (floor).
 */
final class ReferenceTimestamp {

    // Java's \d is ASCII-only unless UNICODE_CHARACTER_CLASS is set, which is what we want.
    private static final Pattern ISO =
            Pattern.compile(
                    "(\\d{4})-(\\d{2})-(\\d{2})"
                            + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
                            + "(Z|([+-])(\\d{2})(?::?(\\d{2}))?)?)?");

    private ReferenceTimestamp() {}

    static OptionalLong parseMillis(String text) {
        Matcher m = ISO.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            LocalDateTime local =
                    LocalDateTime.of(
                            Integer.parseInt(m.group(1)),
                            Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)),
                            m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
                            m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
                            m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
            int nanos =
                    m.group(7) == null
                            ? 0
                            : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
            ZoneOffset offset = ZoneOffset.UTC;
            if (m.group(9) != null) {
                int sign = m.group(9).equals("-") ? -1 : 1;
                int hours = Integer.parseInt(m.group(10));
                int minutes = m.group(11) == null ? 0 : Integer.parseInt(m.group(11));
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            }
            // Nanos are non-negative and epoch seconds floor, so integer division truncates towards
            // the past.
            return OptionalLong.of(local.toEpochSecond(offset) * 1000L + nanos / 1_000_000);
        } catch (DateTimeException e) {
            return OptionalLong.empty(); // e.g. 2025-02-30, 24:00, +19:00
        }
    }
}
