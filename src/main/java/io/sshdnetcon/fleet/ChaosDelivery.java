package io.sshdnetcon.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Delivers serialized lines to the output, optionally the way a real pipeline would: late (bounded
 * disorder), twice (at-least-once delivery) and mixed with junk (malformed lines). With every
 * option at zero it writes straight through.
 *
 * <p>Disorder: each line gets a delivery key {@code t + delay} with {@code 0 <= delay <=
 * disorderMs} and lines leave in key order. A line therefore never trails an earlier-delivered line
 * by more than {@code disorderMs}: if {@code f} went first, {@code t_f <= key_f <= key_e <= t_e +
 * disorderMs}. A detector with {@code maxOutOfOrderness >= disorderMs} sees nothing late.
 *
 * <p>Keys are in fleet time. A host whose agent holds its lines ({@link HostClock#sentAt}) has a
 * line's key raised to the time it is sent; its held lines share that key and so leave together, in
 * the order they were held. The disorder bound above then holds within each host, not across hosts,
 * and it holds in the host's own clock when that is off by a constant.
 */
final class ChaosDelivery {

    private record Pending(long key, long sequence, byte[] line) {}

    private final OutputStream out;
    private final long disorderMs;
    private final double duplicateRate;
    private final double malformedRate;
    private final SplittableRandom rng;
    private final boolean reorders;
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(
                    (a, b) ->
                            a.key != b.key
                                    ? Long.compare(a.key, b.key)
                                    : Long.compare(a.sequence, b.sequence));
    private final MalformedLines malformedLines = new MalformedLines();
    private final Map<MalformedKind, Long> malformedWritten = new EnumMap<>(MalformedKind.class);
    private long sequence;
    private long duplicatesWritten;

    ChaosDelivery(OutputStream out, FleetConfig config, SplittableRandom rng) {
        this.out = out;
        this.disorderMs = config.disorderMs();
        this.duplicateRate = config.duplicateRate();
        this.malformedRate = config.malformedRate();
        this.rng = rng;
        this.reorders =
                disorderMs > 0 || duplicateRate > 0 || config.clockFaults().delayedHosts() > 0;
    }

    /**
     * @param timestampMs the event's fleet time
     * @param sentMs when its agent sends it, at or after {@code timestampMs}
     * @param hostTimestampMs its {@code @timestamp}, on its host's clock
     */
    void deliver(
            long timestampMs, long sentMs, long hostTimestampMs, LineBuffer line, String hostName)
            throws IOException {
        if (malformedRate > 0 && rng.nextDouble() < malformedRate) {
            MalformedKind kind = malformedLines.nextKind();
            byte[] junk =
                    MalformedLines.render(kind, line.toByteArray(), hostTimestampMs, hostName, rng);
            if (sentMs > timestampMs) {
                pending.add(new Pending(sentMs, sequence++, junk)); // held with the agent's lines
            } else {
                writeLine(junk);
            }
            malformedWritten.merge(kind, 1L, Long::sum);
        }
        if (!reorders) {
            line.writeTo(out);
            out.write('\n');
            return;
        }
        // Keys only grow with the input, so whatever is due before this line's time can go now.
        release(timestampMs);
        byte[] bytes = line.toByteArray();
        long key =
                timestampMs
                        + (disorderMs > 0 && rng.nextInt(4) == 0
                                ? rng.nextLong(disorderMs + 1)
                                : 0);
        pending.add(new Pending(Math.max(key, sentMs), sequence++, bytes));
        if (duplicateRate > 0 && rng.nextDouble() < duplicateRate) {
            // The copy comes after the original, still within the disorder bound.
            long copyKey = key + rng.nextLong(timestampMs + disorderMs - key + 1);
            pending.add(new Pending(Math.max(copyKey, sentMs), sequence++, bytes));
            duplicatesWritten++;
        }
    }

    void finish() throws IOException {
        release(Long.MAX_VALUE);
    }

    long duplicatesWritten() {
        return duplicatesWritten;
    }

    Map<MalformedKind, Long> malformedWritten() {
        return malformedWritten;
    }

    private void release(long beforeKey) throws IOException {
        while (!pending.isEmpty() && pending.peek().key < beforeKey) {
            writeLine(pending.poll().line);
        }
    }

    private void writeLine(byte[] bytes) throws IOException {
        out.write(bytes);
        out.write('\n');
    }
}
