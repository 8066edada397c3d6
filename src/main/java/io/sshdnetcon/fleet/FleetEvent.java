package io.sshdnetcon.fleet;

/**
 * One event before serialization. Only the parts that its shape needs are set; the rest are null.
 *
 * @param parent null for processes without a parent in the corpus (pid 1)
 * @param connection for network shapes
 * @param filePath for file shapes
 * @param dnsQuestion for {@link EventShape#LOOKUP_REQUESTED}
 */
record FleetEvent(
        long timestampMs,
        FleetHost host,
        String eventId,
        EventShape shape,
        ProcessImage process,
        ProcessImage parent,
        Connection connection,
        String filePath,
        String dnsQuestion,
        Quirks quirks,
        KeyStyle keyStyle) {

    /**
     * A network 5-tuple as Defend reports it: source is the local end for egress, the remote end
     * for ingress.
     */
    record Connection(
            String direction,
            String transport,
            String sourceIp,
            int sourcePort,
            String destinationIp,
            int destinationPort) {

        static Connection egress(
                String transport, String localIp, int localPort, String remoteIp, int remotePort) {
            return new Connection("egress", transport, localIp, localPort, remoteIp, remotePort);
        }

        static Connection ingress(
                String transport, String remoteIp, int remotePort, String localIp, int localPort) {
            return new Connection("ingress", transport, remoteIp, remotePort, localIp, localPort);
        }

        String networkType() {
            return destinationIp.indexOf(':') >= 0 ? "ipv6" : "ipv4";
        }
    }

    /** Deviations that planted near misses need; real agents do not produce them on purpose. */
    record Quirks(
            String osTypeOverride,
            boolean omitDestinationIp,
            boolean omitParentEntityId,
            boolean omitProcessName) {

        static final Quirks NONE = new Quirks(null, false, false, false);

        static Quirks osType(String value) {
            return new Quirks(value, false, false, false);
        }

        static Quirks noDestinationIp() {
            return new Quirks(null, true, false, false);
        }

        static Quirks noParentEntityId() {
            return new Quirks(null, false, true, false);
        }

        static Quirks noProcessName() {
            return new Quirks(null, false, false, true);
        }
    }

    FleetEvent withQuirks(Quirks value) {
        return new FleetEvent(
                timestampMs,
                host,
                eventId,
                shape,
                process,
                parent,
                connection,
                filePath,
                dnsQuestion,
                value,
                keyStyle);
    }

    FleetEvent withTimestampMs(long value) {
        return new FleetEvent(
                value,
                host,
                eventId,
                shape,
                process,
                parent,
                connection,
                filePath,
                dnsQuestion,
                quirks,
                keyStyle);
    }

    FleetEvent withKeyStyle(KeyStyle value) {
        return new FleetEvent(
                timestampMs,
                host,
                eventId,
                shape,
                process,
                parent,
                connection,
                filePath,
                dnsQuestion,
                quirks,
                value);
    }
}
