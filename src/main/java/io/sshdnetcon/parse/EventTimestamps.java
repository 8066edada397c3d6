package io.sshdnetcon.parse;

/**
 * Parses {@code @timestamp} the way Elasticsearch's {@code strict_date_optional_time} does, into
 * epoch milliseconds truncated toward the past (docs/semantics.md, decision 3).
 *
 * <p>Accepted: {@code yyyy-MM-dd}, optionally {@code 'T'HH:mm}, optionally {@code :ss}, optionally
 * a fraction of 1-9 digits after {@code .}, and an optional offset {@code Z}, {@code ±HH:mm},
 * {@code ±HHmm} or {@code ±HH}. No offset means UTC. Hand-written because every event on the fleet
 * passes through here and {@code DateTimeFormatter} allocates and throws per call.
 */
public final class EventTimestamps {

    /** Returned for anything that is not a valid timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final int MAX_OFFSET_MINUTES = 18 * 60;

    private EventTimestamps() {}

    /** Epoch milliseconds, or {@link #INVALID}. */
    public static long parseEpochMillis(CharSequence s) {
        int n = s.length();
        if (n < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return INVALID;
        }
        long seconds = daysFromCivil(year, month, day) * 86_400L;
        if (n == 10) {
            return seconds * 1000L;
        }
        if (s.charAt(10) != 'T' || n < 16 || s.charAt(13) != ':') {
            return INVALID;
        }
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return INVALID;
        }
        seconds += hour * 3600L + minute * 60L;
        int i = 16;
        long millis = 0;
        if (i < n && s.charAt(i) == ':') {
            int second = i + 3 <= n ? digits(s, i + 1, 2) : -1;
            if (second < 0 || second > 59) {
                return INVALID;
            }
            seconds += second;
            i += 3;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    if (i - start < 3) {
                        millis = millis * 10 + (s.charAt(i) - '0');
                    }
                    i++;
                }
                int fractionDigits = i - start;
                if (fractionDigits == 0 || fractionDigits > 9) {
                    return INVALID;
                }
                for (int d = fractionDigits; d < 3; d++) {
                    millis *= 10;
                }
            }
        }
        if (i == n) {
            return seconds * 1000L + millis;
        }
        int offsetMinutes = parseOffsetMinutes(s, i);
        if (offsetMinutes == Integer.MIN_VALUE) {
            return INVALID;
        }
        return (seconds - offsetMinutes * 60L) * 1000L + millis;
    }

    /** Offset in minutes east of UTC, or {@link Integer#MIN_VALUE} if malformed. */
    private static int parseOffsetMinutes(CharSequence s, int i) {
        int n = s.length();
        char c = s.charAt(i);
        if (c == 'Z') {
            return i + 1 == n ? 0 : Integer.MIN_VALUE;
        }
        if (c != '+' && c != '-') {
            return Integer.MIN_VALUE;
        }
        int sign = c == '+' ? 1 : -1;
        int rest = n - i - 1;
        int hours;
        int minutes;
        if (rest == 2) {
            hours = digits(s, i + 1, 2);
            minutes = 0;
        } else if (rest == 4) {
            hours = digits(s, i + 1, 2);
            minutes = digits(s, i + 3, 2);
        } else if (rest == 5 && s.charAt(i + 3) == ':') {
            hours = digits(s, i + 1, 2);
            minutes = digits(s, i + 4, 2);
        } else {
            return Integer.MIN_VALUE;
        }
        if (hours < 0 || minutes < 0 || minutes > 59) {
            return Integer.MIN_VALUE;
        }
        int total = hours * 60 + minutes;
        return total > MAX_OFFSET_MINUTES ? Integer.MIN_VALUE : sign * total;
    }

    /** The unsigned decimal value of {@code count} digits at {@code from}, or -1. */
    private static int digits(CharSequence s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isLeap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
