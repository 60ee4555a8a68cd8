package ch.ipng.maglev.daemon.probe;

import ch.ipng.maglev.config.HealthCheck;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Makes probers for health checks and owns what they share: the Netty event loops, the TLS
 * contexts, the network namespace and the ICMP sockets.
 */
public final class Probers implements AutoCloseable {
  private final EventLoopGroup group;
  private final EventLoop[] loops;

  /**
   * Plain probes a loop takes before the next loop is used. One loop carried 5,000 probes/s with a
   * p99 lateness of a few ms on the 2-core bench machine (sharing it with nginx); 10,000 on one
   * loop pushed it to 35-46 ms. Fewer loops at low rates mean fewer wake-ups per probe.
   */
  static final double PLAIN_PROBES_PER_LOOP = 5_000;

  // Guarded by itself.
  private final LoopLoads plainLoads;
  // Per loop: why its thread is not in the namespace, or null.
  private final @Nullable String[] outside;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final boolean epoll;
  private final boolean lean;
  private final ProbeNamespace namespace;
  private final String userAgent;
  private final TlsContexts tls = new TlsContexts();
  private final Map<PingerKey, IcmpPinger> pingers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private record PingerKey(boolean v6, @Nullable InetAddress source) {}

  private Probers(ProbeNamespace namespace, String userAgent, boolean lean) {
    // Native epoll costs fewer syscalls per probe. In a named namespace each event loop's thread
    // enters it, so the sockets it makes live there; without epoll, NIO adopts sockets made by
    // the namespace's own thread.
    this.epoll = Epoll.isAvailable();
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    java.util.List<EventLoop> all = new java.util.ArrayList<>();
    group.forEach(e -> all.add((EventLoop) e));
    this.loops = all.toArray(new EventLoop[0]);
    this.outside = epoll ? enterOnEveryLoop(loops, namespace) : new String[loops.length];
    this.plainLoads = new LoopLoads(loops.length, PLAIN_PROBES_PER_LOOP);
    this.lean = lean && epoll;
    this.namespace = namespace;
    this.userAgent = userAgent;
  }

  /**
   * @param namespace where probe sockets are created
   * @param userAgent the User-Agent of HTTP probes
   */
  public static Probers of(ProbeNamespace namespace, String userAgent) {
    return of(namespace, userAgent, true);
  }

  /**
   * @param lean whether plain TCP and HTTP checks run on {@link EpollProber} where they can (false
   *     puts every check on Netty channels, as inside a namespace)
   */
  static Probers of(ProbeNamespace namespace, String userAgent, boolean lean) {
    return new Probers(
        Objects.requireNonNull(namespace, "namespace"),
        Objects.requireNonNull(userAgent, "userAgent"),
        lean);
  }

  /** A prober for one health check, bound to one event loop. */
  public Prober forCheck(HealthCheck check) {
    int i = Math.floorMod(nextLoop.getAndIncrement(), loops.length);
    return switch (check.type()) {
      case ICMP -> new IcmpProber(check, loops[i]);
      case TCP, HTTP, HTTPS ->
          lean && EpollProber.handles(check)
              ? plain(check)
              : new NettyProber(check, loops[i], epoll, outside[i], namespace, tls, userAgent);
    };
  }

  /** Moves every loop's thread into the namespace; returns each one's failure, or null. */
  private static @Nullable String[] enterOnEveryLoop(EventLoop[] loops, ProbeNamespace namespace) {
    @Nullable String[] errors = new String[loops.length];
    if (namespace.name().isEmpty()) {
      return errors;
    }
    for (int i = 0; i < loops.length; i++) {
      try {
        errors[i] = loops[i].submit(namespace::enterOnThisThread).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        errors[i] = "enter netns \"" + namespace.name().get() + "\": interrupted";
      } catch (java.util.concurrent.ExecutionException e) {
        errors[i] = "enter netns \"" + namespace.name().get() + "\": " + e.getCause();
      }
    }
    return errors;
  }

  /**
   * A plain prober on the first loop with room for its probe rate (one probe per interval; the
   * faster intervals of a transition are brief).
   */
  private EpollProber plain(HealthCheck check) {
    PlainShare share = new PlainShare(rateOf(check.interval()));
    return EpollProber.of(
        check, (IoEventLoop) loops[share.loop], outside[share.loop], userAgent, share);
  }

  private static double rateOf(java.time.Duration interval) {
    return 1e9 / Math.max(1_000_000, interval.toNanos());
  }

  /** A plain prober's probe rate on its loop, in {@link #plainLoads}. */
  private final class PlainShare implements EpollProber.LoopShare {
    final int loop;
    private double rate; // guarded by plainLoads
    private boolean released; // guarded by plainLoads

    PlainShare(double rate) {
      synchronized (plainLoads) {
        this.rate = rate;
        this.loop = plainLoads.take(rate);
      }
    }

    @Override
    public void retune(java.time.Duration interval) {
      synchronized (plainLoads) {
        if (!released) {
          double next = rateOf(interval);
          plainLoads.adjust(loop, rate, next);
          rate = next;
        }
      }
    }

    @Override
    public void release() {
      synchronized (plainLoads) {
        if (!released) {
          released = true;
          plainLoads.release(loop, rate);
        }
      }
    }
  }

  /** ICMP echo through the shared socket of the family and source. */
  private final class IcmpProber implements Prober {
    private final HealthCheck check;
    private final EventLoop loop;

    IcmpProber(HealthCheck check, EventLoop loop) {
      this.check = check;
      this.loop = loop;
    }

    @Override
    public ScheduledExecutorService executor() {
      return loop;
    }

    @Override
    public CompletableFuture<ProbeResult> probe(InetAddress target) {
      boolean v6 = target instanceof Inet6Address;
      InetAddress source = v6 ? check.probeIpv6Src() : check.probeIpv4Src();
      IcmpPinger pinger;
      try {
        pinger = pinger(v6, source);
      } catch (IOException | RuntimeException | LinkageError e) {
        String detail =
            e.getMessage() == null
                ? "icmp socket: " + e.getClass().getSimpleName()
                : e.getMessage();
        ProbeCode code = detail.startsWith("enter netns") ? ProbeCode.L4CON : ProbeCode.L3UNR;
        return CompletableFuture.completedFuture(
            ProbeResult.fail(java.time.Instant.now(), code, detail));
      }
      return pinger.ping(target, check.timeout());
    }
  }

  private IcmpPinger pinger(boolean v6, @Nullable InetAddress source) throws IOException {
    PingerKey key = new PingerKey(v6, source);
    IcmpPinger p = pingers.get(key);
    if (p != null) {
      return p;
    }
    synchronized (pingers) {
      p = pingers.get(key);
      if (p == null) {
        IcmpSocket socket = namespace.call(() -> IcmpSocket.open(v6, source));
        p = new IcmpPinger(socket, group, random.nextInt(0x10000));
        pingers.put(key, p);
      }
      return p;
    }
  }

  @Override
  public void close() {
    pingers.values().forEach(IcmpPinger::close);
    pingers.clear();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    namespace.close();
  }
}
