package ch.ipng.maglev.daemon.dataplane;

import java.time.Instant;

/** The connected VPP, as GetVPPInfo reports it. */
public record VppInfo(
    String version,
    String buildDate,
    String buildDirectory,
    int pid,
    long bootTimeSeconds,
    Instant connectedAt) {}
