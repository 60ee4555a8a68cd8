package ch.ipng.maglev.daemon.probe;

import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.ProbeType;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Plain TCP checks and HTTP checks judged on the status line, driven straight by the event loop's
 * epoll: a bare non-blocking socket and eight system calls per probe (socket, one socket option,
 * connect, one epoll_ctl, send, recv, close), where a Netty channel makes seventeen and builds a
 * pipeline. At thousands of backends that is most of what probing costs. TLS, body regexps and
 * network namespaces stay on {@link NettyProber}.
 */
final class EpollProber implements Prober {
  /** Edge-triggered: connected (out) once, then each arrival of data (in) or of the peer's FIN. */
  private static final EpollIoOps INTEREST =
      EpollIoOps.EPOLLOUT
          .with(EpollIoOps.EPOLLIN)
          .with(EpollIoOps.EPOLLRDHUP)
          .with(EpollIoOps.EPOLLET);

  /** Linux's IPPROTO_IP / IP_BIND_ADDRESS_NO_PORT: a bound source leaves the port to connect. */
  private static final int SOL_IP = 0;

  private static final int IP_BIND_ADDRESS_NO_PORT = 24;

  /** Linux's IPPROTO_TCP / TCP_QUICKACK. */
  private static final int SOL_TCP = 6;

  private static final int TCP_QUICKACK = 12;

  /** Requests are copied into and responses read from one direct buffer per event loop thread. */
  private static final FastThreadLocal<ByteBuffer> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
          return ByteBuffer.allocateDirect(4096);
        }
      };

  private static final byte[] NOTHING = new byte[0];

  private final HealthCheck check;
  private final IoEventLoop loop;
  private final String userAgent;
  private final LoopShare share;
  // why the loop's thread is not in the probes' namespace, or null
  private final @Nullable String outside;
  // The last target's request, touched only on the loop (a prober serves one backend).
  private @Nullable InetAddress requestTarget;
  private byte[] request = NOTHING;

  private EpollProber(
      HealthCheck check,
      IoEventLoop loop,
      @Nullable String outside,
      String userAgent,
      LoopShare share) {
    this.check = check;
    this.loop = loop;
    this.outside = outside;
    this.userAgent = userAgent;
    this.share = share;
  }

  /** A prober's share of its loop's probe rate, kept by whoever chose the loop. */
  interface LoopShare {
    /** The prober's probe interval changed. */
    void retune(java.time.Duration interval);

    /** The prober is gone; safe to call more than once. */
    void release();
  }

  /** Whether this prober can run the check: tcp without TLS, or http without a body regexp. */
  static boolean handles(HealthCheck check) {
    return switch (check.type()) {
      case TCP -> check.tcp() == null || !check.tcp().tls();
      case HTTP -> check.http() != null && check.http().regexp() == null;
      case HTTPS, ICMP -> false;
    };
  }

  /**
   * @param outside why {@code loop}'s thread could not enter the probes' namespace (every probe
   *     then fails with it), or null
   * @param share the prober's share of its loop's load, given back when it is released
   */
  static EpollProber of(
      HealthCheck check,
      IoEventLoop loop,
      @Nullable String outside,
      String userAgent,
      LoopShare share) {
    if (!handles(check)) {
      throw new IllegalArgumentException("check " + check.name() + " needs TLS or a body regexp");
    }
    return new EpollProber(check, loop, outside, userAgent, share);
  }

  @Override
  public void release() {
    share.release();
  }

  @Override
  public void retune(HealthCheck changed) {
    share.retune(changed.interval());
  }

  @Override
  public ScheduledExecutorService executor() {
    return loop;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(InetAddress target) {
    Attempt attempt = new Attempt(Instant.now(), target);
    if (loop.inEventLoop()) {
      attempt.begin();
    } else {
      try {
        loop.execute(attempt::begin);
      } catch (RuntimeException e) {
        attempt.finish(ProbeResult.fail(attempt.start, ProbeCode.L4CON, "prober closed"));
      }
    }
    return attempt.result;
  }

  private byte[] request(InetAddress target) {
    if (!target.equals(requestTarget)) {
      request =
          StatusLines.request(
              java.util.Objects.requireNonNull(check.http()), target, check.port(), userAgent);
      requestTarget = target;
    }
    return request;
  }

  /** A non-blocking stream socket of the target's family (Netty opens dual-stack ones). */
  private static final class StreamSocket extends Socket {
    StreamSocket(boolean ipv6) {
      super(newSocketStream0(ipv6));
    }
  }

  /** One probe: its socket, its registration with the loop's epoll and its one deadline. */
  private final class Attempt implements EpollIoHandle {
    final Instant start;
    final InetAddress target;
    final CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    private @Nullable StreamSocket socket;
    private @Nullable IoRegistration registration;
    private @Nullable ScheduledFuture<?> deadline;
    private ProbeCode timeoutCode = ProbeCode.L4TOUT;
    private boolean connected;
    private byte[] bytes = NOTHING;
    private int sent;
    private byte @Nullable [] partialLine;
    private boolean done;

    Attempt(Instant start, InetAddress target) {
      this.start = start;
      this.target = target;
    }

    @Override
    public FileDescriptor fd() {
      return java.util.Objects.requireNonNull(socket);
    }

    void begin() {
      if (outside != null) {
        finish(ProbeResult.fail(start, ProbeCode.L4CON, outside));
        return;
      }
      long timeoutMs = Math.max(1, check.timeout().toMillis());
      try {
        boolean v6 = target instanceof Inet6Address;
        StreamSocket s = new StreamSocket(v6);
        socket = s;
        // RST on close: no TIME_WAIT per probe.
        s.setSoLinger(0);
        InetAddress source = v6 ? check.probeIpv6Src() : check.probeIpv4Src();
        if (source != null) {
          s.setIntOpt(SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1);
          s.bind(new InetSocketAddress(source, 0));
        }
        if (check.type() == ProbeType.HTTP) {
          // The handshake's last ACK rides on the request instead of going alone (as HAProxy's
          // checks do): one packet less for both ends. Not for tcp checks, which send nothing.
          s.setIntOpt(SOL_TCP, TCP_QUICKACK, 0);
        }
        boolean at = s.connect(new InetSocketAddress(target, check.port()));
        Future<IoRegistration> f = loop.register(this);
        IoRegistration r = f.getNow();
        if (r == null) {
          throw new IOException("event loop refused the socket: " + f.cause());
        }
        registration = r;
        deadline =
            loop.schedule(
                () ->
                    finish(
                        ProbeResult.fail(
                            start, timeoutCode, Errors.timeout(timeoutCode, timeoutMs))),
                timeoutMs,
                TimeUnit.MILLISECONDS);
        r.submit(INTEREST);
        if (at) {
          onConnected();
        }
      } catch (IOException | RuntimeException e) {
        finish(ProbeResult.fail(start, ProbeCode.L4CON, Errors.connect(e)));
      }
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      if (done) {
        return;
      }
      EpollIoOps ops = ((EpollIoEvent) event).ops();
      try {
        if (!connected) {
          if (ops.contains(EpollIoOps.EPOLLERR)) {
            // Throws the connect's own error ("connection refused").
            java.util.Objects.requireNonNull(socket).finishConnect();
          }
          if (ops.contains(EpollIoOps.EPOLLOUT) || ops.contains(EpollIoOps.EPOLLERR)) {
            onConnected();
          }
        } else if (sent < bytes.length && ops.contains(EpollIoOps.EPOLLOUT)) {
          send();
        }
      } catch (IOException | RuntimeException e) {
        finish(ProbeResult.fail(start, ProbeCode.L4CON, Errors.connect(e)));
        return;
      }
      boolean readable =
          ops.contains(EpollIoOps.EPOLLIN)
              || ops.contains(EpollIoOps.EPOLLRDHUP)
              || ops.contains(EpollIoOps.EPOLLERR);
      if (!done && connected && sent == bytes.length && readable) {
        try {
          read();
        } catch (IOException | RuntimeException e) {
          finish(ProbeResult.fail(start, ProbeCode.L7RSP, "read response: " + Errors.reason(e)));
        }
      }
    }

    private void onConnected() {
      connected = true;
      if (check.type() != ProbeType.HTTP) {
        finish(ProbeResult.pass(start, ProbeCode.L4OK, "connected"));
        return;
      }
      timeoutCode = ProbeCode.L7TOUT;
      bytes = request(target);
      send();
    }

    /** Sends what is left of the request; a failure finishes the probe. */
    private void send() {
      ByteBuffer b = SCRATCH.get();
      b.clear();
      b.put(bytes, sent, bytes.length - sent).flip();
      try {
        sent += java.util.Objects.requireNonNull(socket).send(b, 0, b.limit());
      } catch (IOException e) {
        finish(ProbeResult.fail(start, ProbeCode.L7RSP, "send request: " + Errors.reason(e)));
      }
    }

    /** Reads until the status line is complete, the socket is drained, or the peer is gone. */
    private void read() throws IOException {
      ByteBuffer b = SCRATCH.get();
      b.clear(); // recv ignores the buffer's bounds, its getters do not
      StreamSocket s = java.util.Objects.requireNonNull(socket);
      HealthCheck.HttpParams http = java.util.Objects.requireNonNull(check.http());
      while (!done) {
        int n = s.recv(b, 0, b.capacity());
        if (n == 0) {
          return; // drained: the rest comes with the next event
        }
        if (n < 0) {
          finish(
              ProbeResult.fail(
                  start, ProbeCode.L7RSP, "connection closed before a complete response"));
          return;
        }
        int end = -1;
        for (int i = 0; i < n; i++) {
          if (b.get(i) == '\n') {
            end = i;
            break;
          }
        }
        int have = partialLine == null ? 0 : partialLine.length;
        // the line end's '\r' is left out here, so the line needs no strip() copy
        int take = end < 0 ? n : end > 0 && b.get(end - 1) == '\r' ? end - 1 : end;
        if (have + take > StatusLines.LIMIT) {
          finish(StatusLines.tooLong(start));
          return;
        }
        byte[] line =
            partialLine == null ? new byte[take] : Arrays.copyOf(partialLine, have + take);
        b.get(0, line, have, take);
        if (end < 0) {
          partialLine = line;
          continue;
        }
        finish(
            StatusLines.judge(start, http, new String(line, StandardCharsets.ISO_8859_1).strip()));
      }
    }

    void finish(ProbeResult r) {
      if (done) {
        return;
      }
      done = true;
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      release();
      result.complete(r);
    }

    /** Closes first, so cancelling the registration needs no epoll_ctl: close removed it. */
    private void release() {
      StreamSocket s = socket;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // nothing left to do with it
        }
      }
      IoRegistration r = registration;
      if (r != null) {
        r.cancel();
      }
    }

    @Override
    public void close() {
      // The event loop is shutting down.
      finish(ProbeResult.fail(start, ProbeCode.L4CON, "prober closed"));
    }
  }
}
