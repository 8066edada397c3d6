package io.sshdnetcon.fleet;

import java.time.LocalDate;

/**
 * Formats epoch milliseconds as {@code yyyy-MM-ddTHH:mm:ss.SSSZ} into one reused char array. A
 * million {@code DateTimeFormatter} calls would dominate the generator's time; the date part
 * changes once a day.
 */
final class IsoMillis {

    static final int LENGTH = 24;
    private static final long DAY_MS = 86_400_000L;

    private final char[] chars = "0000-00-00T00:00:00.000Z".toCharArray();
    private long cachedDay = Long.MIN_VALUE;

    char[] format(long epochMs) {
        long day = Math.floorDiv(epochMs, DAY_MS);
        if (day != cachedDay) {
            LocalDate date = LocalDate.ofEpochDay(day);
            if (date.getYear() < 0 || date.getYear() > 9999) {
                throw new IllegalArgumentException("year out of range: " + date);
            }
            digits(date.getYear(), 0, 4);
            digits(date.getMonthValue(), 5, 2);
            digits(date.getDayOfMonth(), 8, 2);
            cachedDay = day;
        }
        int msOfDay = (int) Math.floorMod(epochMs, DAY_MS);
        digits(msOfDay / 3_600_000, 11, 2);
        digits(msOfDay / 60_000 % 60, 14, 2);
        digits(msOfDay / 1000 % 60, 17, 2);
        digits(msOfDay % 1000, 20, 3);
        return chars;
    }

    private void digits(int value, int offset, int width) {
        for (int i = offset + width - 1; i >= offset; i--) {
            chars[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
