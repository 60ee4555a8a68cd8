package ch.ipng.maglev.daemon.probe;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echo requests over one ICMP socket shared by every backend of a namespace, family and source. A
 * platform reader thread matches replies to requests by identifier and sequence.
 */
final class IcmpPinger implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(IcmpPinger.class);
  private static final byte[] PAYLOAD =
      "vpp-maglev".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final IcmpSocket socket;
  private final ScheduledExecutorService timer;
  private final int identifier;
  private final AtomicInteger sequence = new AtomicInteger();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean closed;

  private record Pending(
      CompletableFuture<ProbeResult> future,
      InetAddress target,
      Instant start,
      ScheduledFuture<?> timeout) {}

  IcmpPinger(IcmpSocket socket, ScheduledExecutorService timer, int identifier) {
    this.socket = socket;
    this.timer = timer;
    this.identifier = identifier & 0xffff;
    this.reader = Thread.ofPlatform().name("icmp-reader").daemon().start(this::readLoop);
  }

  CompletableFuture<ProbeResult> ping(InetAddress target, Duration timeout) {
    Instant start = Instant.now();
    CompletableFuture<ProbeResult> future = new CompletableFuture<>();
    int seq = sequence.getAndIncrement() & 0xffff;
    ScheduledFuture<?> t =
        timer.schedule(
            () -> {
              Pending p = pending.remove(seq);
              if (p != null) {
                p.future.complete(
                    ProbeResult.fail(
                        start,
                        ProbeCode.L3TOUT,
                        "no echo reply within " + timeout.toMillis() + "ms"));
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    Pending old = pending.put(seq, new Pending(future, target, start, t));
    if (old != null) {
      old.timeout.cancel(false);
      old.future.complete(ProbeResult.fail(old.start, ProbeCode.L3TOUT, "sequence number reused"));
    }
    try {
      socket.send(echoRequest(seq), target);
    } catch (IOException e) {
      pending.remove(seq);
      t.cancel(false);
      future.complete(ProbeResult.fail(start, ProbeCode.L3UNR, e.getMessage()));
    }
    return future;
  }

  private byte[] echoRequest(int seq) {
    byte[] m = new byte[8 + PAYLOAD.length];
    m[0] = (byte) (socket.v6() ? 128 : 8);
    m[4] = (byte) (identifier >> 8);
    m[5] = (byte) identifier;
    m[6] = (byte) (seq >> 8);
    m[7] = (byte) seq;
    System.arraycopy(PAYLOAD, 0, m, 8, PAYLOAD.length);
    if (!socket.v6()) {
      // ICMPv6 checksums are the kernel's job; ICMPv4's is ours.
      int sum = checksum(m);
      m[2] = (byte) (sum >> 8);
      m[3] = (byte) sum;
    }
    return m;
  }

  static int checksum(byte[] b) {
    long sum = 0;
    for (int i = 0; i + 1 < b.length; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (b.length % 2 == 1) {
      sum += (b[b.length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private void readLoop() {
    byte[] buf = new byte[2048];
    while (!closed) {
      try {
        IcmpSocket.Received r = socket.receive(buf);
        if (r != null) {
          handle(buf, r.length(), r.from());
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          logger.warn("icmp reader: {}", e.getMessage(), e);
        }
      }
    }
  }

  private void handle(byte[] buf, int len, @Nullable InetAddress from) {
    int off = 0;
    if (socket.raw() && !socket.v6()) {
      off = (buf[0] & 0x0f) * 4; // raw IPv4 delivers the IP header too
    }
    if (len - off < 8) {
      return;
    }
    int type = buf[off] & 0xff;
    int echoReply = socket.v6() ? 129 : 0;
    int unreachable = socket.v6() ? 1 : 3;
    if (type == echoReply) {
      int id = ((buf[off + 4] & 0xff) << 8) | (buf[off + 5] & 0xff);
      int seq = ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff);
      // Datagram sockets get the kernel's identifier, and only their own replies.
      if (socket.raw() && id != identifier) {
        return;
      }
      Pending p = pending.get(seq);
      if (p != null && (from == null || sameHost(from, p.target)) && pending.remove(seq, p)) {
        p.timeout.cancel(false);
        p.future.complete(
            ProbeResult.pass(
                p.start, ProbeCode.L3OK, "echo reply from " + p.target.getHostAddress()));
      }
    } else if (type == unreachable) {
      // The error quotes our request: the inner IP header, then its ICMP header.
      int inner = off + 8;
      int innerIcmp = socket.v6() ? inner + 40 : inner + (buf[inner] & 0x0f) * 4;
      if (len < innerIcmp + 8) {
        return;
      }
      int seq = ((buf[innerIcmp + 6] & 0xff) << 8) | (buf[innerIcmp + 7] & 0xff);
      Pending p = pending.get(seq);
      if (p != null && pending.remove(seq, p)) {
        p.timeout.cancel(false);
        String by = from == null ? "" : " (from " + from.getHostAddress() + ")";
        p.future.complete(
            ProbeResult.fail(
                p.start,
                ProbeCode.L3UNR,
                "destination unreachable, code " + (buf[off + 1] & 0xff) + by));
      }
    }
  }

  private static boolean sameHost(InetAddress a, InetAddress b) {
    if (a instanceof Inet6Address && b instanceof Inet6Address) {
      return java.util.Arrays.equals(a.getAddress(), b.getAddress());
    }
    return a.equals(b);
  }

  @Override
  public void close() {
    closed = true;
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.close();
    for (Pending p : pending.values()) {
      p.timeout.cancel(false);
      p.future.complete(ProbeResult.fail(p.start, ProbeCode.L3TOUT, "prober closed"));
    }
    pending.clear();
  }
}
