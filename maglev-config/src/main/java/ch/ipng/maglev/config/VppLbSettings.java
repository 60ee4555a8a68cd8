package ch.ipng.maglev.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** {@code maglev.vpp.lb}: the lb plugin's global settings and maglevd's sync timing. */
public record VppLbSettings(
    Duration syncInterval,
    @Nullable Inet4Address ipv4SrcAddress,
    @Nullable Inet6Address ipv6SrcAddress,
    long stickyBucketsPerCore,
    Duration flowTimeout,
    Duration startupMinDelay,
    Duration startupMaxDelay) {

  public static VppLbSettings defaults() {
    return new VppLbSettings(
        Duration.ofSeconds(30),
        null,
        null,
        65536,
        Duration.ofSeconds(40),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }
}
