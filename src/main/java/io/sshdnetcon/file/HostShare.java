package io.sshdnetcon.file;

/**
 * One reader's share of the hosts in a replay input: every reader of the file reads all its lines,
 * and parses and emits only the lines of its own hosts.
 *
 * <p>Why hosts, not byte ranges: the contract is written in each host's own order (its newest time
 * decides lateness, and equal milliseconds keep their input order). A byte range would hand the
 * second half of a host's lines to another reader, which reads them while the first half is still
 * being read, so the host's later lines would arrive first and make its earlier ones late. A share
 * keeps every line of a host in one reader, in file order, at the cost of every reader splitting
 * every line and reading its {@code host.id}.
 *
 * <p>Records without a host (malformed, or with no single {@code host.id}) belong to share 0, so
 * exactly one reader counts and dead-letters each of them.
 *
 * @param index this share, from 0
 * @param count how many shares the file is read in
 */
public record HostShare(int index, int count) {

    /** The whole file, for one reader. */
    public static final HostShare ALL = new HostShare(0, 1);

    private static final String MARK = "host-share-";

    public HostShare {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("no share " + index + " of " + count);
        }
    }

    /** Whether the lines of {@code hostId} (null: a record without a host) belong to this share. */
    public boolean owns(String hostId) {
        if (count == 1) {
            return true;
        }
        if (hostId == null) {
            return index == 0;
        }
        int h = hostId.hashCode();
        return Math.floorMod(h ^ (h >>> 16), count) == index;
    }

    /** The id of a split that reads this share: unique per file, and carrying the share. */
    String splitId(int fileNumber) {
        return fileNumber + ":" + MARK + index + "-of-" + count;
    }

    /** The share a split id made by {@link #splitId} names; other ids read the whole file. */
    static HostShare ofSplitId(String splitId) {
        int at = splitId.indexOf(MARK);
        if (at < 0) {
            return ALL;
        }
        String[] parts = splitId.substring(at + MARK.length()).split("-of-", 2);
        return new HostShare(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
}
