package ch.ipng.maglev.daemon.probe;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Probes one target once. Implementations never reuse a connection, honour the check's timeout and
 * always complete the future (never exceptionally): every failure is a {@link ProbeResult}.
 */
public interface Prober {
  CompletableFuture<ProbeResult> probe(InetAddress target);
}
