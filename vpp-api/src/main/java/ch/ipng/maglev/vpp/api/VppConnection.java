package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.MemclntKeepalive;
import ch.ipng.maglev.vpp.api.msg.MemclntKeepaliveReply;
import ch.ipng.maglev.vpp.api.msg.MessageTableEntry;
import ch.ipng.maglev.vpp.api.msg.Messages;
import ch.ipng.maglev.vpp.api.msg.SockclntCreate;
import ch.ipng.maglev.vpp.api.msg.SockclntCreateReply;
import ch.ipng.maglev.vpp.api.msg.SockclntDelete;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One client connection to VPP's binary-API stream socket.
 *
 * <p>Requests are pipelined: each gets its own context and future, replies are matched by context
 * on a reader thread, and a sweeper fails every request VPP has not answered within the timeout
 * (VPP drops requests it cannot route or parse without a word). Futures complete on the reader
 * thread, so callers must not block inside their callbacks.
 */
public final class VppConnection implements AutoCloseable {
  private static final int SOCKCLNT_CREATE_ID = 15;
  private static final int SOCKCLNT_CREATE_REPLY_ID = 16;
  private static final Duration SWEEP = Duration.ofMillis(50);
  private static final List<MessageType<?>> ALWAYS_REQUIRED =
      List.of(
          ControlPing.TYPE, ControlPingReply.TYPE, SockclntDelete.TYPE, SockclntDeleteReply.TYPE);

  private final SocketChannel channel;
  private final Path path;
  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
  private final Thread writer;
  private final AtomicInteger nextContext = new AtomicInteger(1);
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Thread reader;
  private final Thread sweeper;
  private volatile MessageType<?>[] byId = new MessageType<?>[65536];
  private volatile Map<String, Integer> table = Map.of();
  private volatile int clientIndex;

  /** A request waiting for its reply, or a dump collecting details until the ping reply. */
  private static final class Pending {
    final int context;
    final String what;
    final MessageType<?> replyType;
    final @Nullable List<Message> details;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    final long deadline;

    Pending(int context, String what, MessageType<?> replyType, boolean dump, long deadline) {
      this.context = context;
      this.what = what;
      this.replyType = replyType;
      this.details = dump ? new ArrayList<>() : null;
      this.deadline = deadline;
    }
  }

  /** Sees every request and its outcome, e.g. for debug logs and counters. */
  public interface Observer {
    Observer NONE = new Observer() {};

    /** A request (or a dump with its control_ping) was queued for sending. */
    default void sent(String message, boolean dump) {}

    /** Its reply (or the end of its details) arrived, or it failed. */
    default void received(String message, boolean dump, boolean success) {}
  }

  private volatile Observer observer = Observer.NONE;

  /** Installs the observer of every later request. */
  public void observe(Observer observer) {
    this.observer = observer;
  }

  private VppConnection(SocketChannel channel, Path path, Duration timeout) {
    this.channel = channel;
    this.path = path;
    this.timeoutNanos = timeout.toNanos();
    MessageType<?>[] ids = new MessageType<?>[65536];
    ids[SOCKCLNT_CREATE_REPLY_ID] = SockclntCreateReply.TYPE;
    this.byId = ids;
    this.reader = Thread.ofPlatform().daemon().name("vpp-api-reader").unstarted(this::readLoop);
    this.sweeper = Thread.ofPlatform().daemon().name("vpp-api-timeouts").unstarted(this::sweepLoop);
    this.writer = Thread.ofPlatform().daemon().name("vpp-api-writer").unstarted(this::writeLoop);
  }

  /**
   * Connects, registers as {@code clientName}, reads VPP's message table and checks that every
   * message in {@code required} is there with the same CRC.
   *
   * @throws VppException when the socket cannot be reached, VPP does not answer within {@code
   *     timeout}, or required messages are missing or changed (the message names them all)
   */
  public static VppConnection connect(
      Path socket, String clientName, Duration timeout, Collection<MessageType<?>> required) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new VppException(
          "cannot connect to VPP's API socket " + socket + ": " + e.getMessage(), e);
    }
    VppConnection c = new VppConnection(channel, socket, timeout);
    c.reader.start();
    c.sweeper.start();
    c.writer.start();
    try {
      Pending create = c.register("sockclnt_create", SockclntCreateReply.TYPE, false);
      int context = create.context;
      c.write(new SockclntCreate(clientName), SOCKCLNT_CREATE_ID, context);
      SockclntCreateReply reply = (SockclntCreateReply) await(create.future);
      c.install(reply);
      Set<MessageType<?>> all = new LinkedHashSet<>(ALWAYS_REQUIRED);
      all.addAll(required);
      c.checkPresent(all);
      return c;
    } catch (RuntimeException e) {
      c.shutdown(e instanceof VppException v ? v : new VppException(e.getMessage(), e));
      throw e;
    }
  }

  private void install(SockclntCreateReply reply) {
    if (reply.response() != 0) {
      throw new VppErrorException("sockclnt_create", reply.response());
    }
    Map<String, Integer> names = new HashMap<>();
    for (MessageTableEntry e : reply.messageTable()) {
      names.put(e.name(), e.index());
    }
    MessageType<?>[] ids = new MessageType<?>[65536];
    for (MessageType<?> t : Messages.ALL) {
      Integer id = names.get(t.nameCrc());
      if (id != null) {
        ids[id] = t;
      }
    }
    ids[SOCKCLNT_CREATE_REPLY_ID] = SockclntCreateReply.TYPE;
    this.table = Map.copyOf(names);
    this.clientIndex = reply.index();
    this.byId = ids;
  }

  private void checkPresent(Collection<MessageType<?>> required) {
    List<String> problems = new ArrayList<>();
    for (MessageType<?> t : required) {
      if (table.containsKey(t.nameCrc())) {
        continue;
      }
      String other =
          table.keySet().stream()
              .filter(k -> k.length() == t.nameCrc().length() && k.startsWith(t.name() + "_"))
              .findFirst()
              .orElse(null);
      problems.add(
          other == null
              ? t.nameCrc() + " (not in VPP's message table)"
              : t.nameCrc() + " (VPP has " + other + ": its definition changed)");
    }
    if (!problems.isEmpty()) {
      throw new VppException(
          "VPP at " + path + " lacks messages this client needs: " + String.join(", ", problems));
    }
  }

  /** True when VPP's table has this message with this CRC. */
  public boolean has(MessageType<?> type) {
    return table.containsKey(type.nameCrc());
  }

  /** The id VPP assigned to this message on this connection. */
  public int id(MessageType<?> type) {
    Integer id = table.get(type.nameCrc());
    if (id == null) {
      throw new VppException("VPP at " + path + " has no message " + type.nameCrc());
    }
    return id;
  }

  /** The handle VPP gave this client, sent as client_index in every request. */
  public int clientIndex() {
    return clientIndex;
  }

  /** Completes when the connection ends, for whatever reason. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  /**
   * Sends a request and completes with its reply. A reply with a non-zero retval completes
   * exceptionally with {@link VppErrorException} naming {@code what}.
   */
  public <R extends Message> CompletableFuture<R> call(
      Message request, MessageType<R> replyType, String what) {
    Pending p = register(what, replyType, false);
    observed(request.messageType().name(), false, p);
    send(request, p);
    @SuppressWarnings("unchecked")
    CompletableFuture<R> f = (CompletableFuture<R>) (CompletableFuture<?>) p.future;
    return f;
  }

  /** Sends a dump followed by a control_ping with the same context and collects the details. */
  public <D extends Message> CompletableFuture<List<D>> dump(
      Message request, MessageType<D> detailsType, String what) {
    Pending p = register(what, detailsType, true);
    observed(request.messageType().name(), true, p);
    int context = p.context;
    int dumpId = id(request.messageType());
    int pingId = id(ControlPing.TYPE);
    ByteBuffer both =
        ByteBuffer.allocate(
            2 * Codec.FRAME_HEADER_SIZE
                + Codec.bodySize(request)
                + Codec.bodySize(new ControlPing()));
    Codec.encodeFrame(both, request, dumpId, clientIndex, context);
    Codec.encodeFrame(both, new ControlPing(), pingId, clientIndex, context);
    writeOrFail(both.flip(), p, context);
    @SuppressWarnings("unchecked")
    CompletableFuture<List<D>> f = (CompletableFuture<List<D>>) (CompletableFuture<?>) p.future;
    return f;
  }

  /** Blocking form of {@link #call}: the reply, or the failure as a {@link VppException}. */
  public <R extends Message> R callSync(Message request, MessageType<R> replyType, String what) {
    return await(call(request, replyType, what));
  }

  /** Blocking form of {@link #dump}. */
  public <D extends Message> List<D> dumpSync(
      Message request, MessageType<D> detailsType, String what) {
    return await(dump(request, detailsType, what));
  }

  /** Waits for a future of this connection and unwraps its failure. */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof VppException v) {
        throw v;
      }
      throw new VppException(String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VppException("interrupted while waiting for VPP", e);
    }
  }

  private void observed(String message, boolean dump, Pending p) {
    Observer o = observer;
    if (o != Observer.NONE) {
      o.sent(message, dump);
      p.future.whenComplete((r, e) -> o.received(message, dump, e == null));
    }
  }

  private Pending register(String what, MessageType<?> replyType, boolean dump) {
    if (closed.isDone()) {
      throw new VppException("connection to VPP at " + path + " is closed");
    }
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      int context = nextContext.getAndIncrement();
      if (context != 0) {
        Pending p = new Pending(context, what, replyType, dump, deadline);
        if (pending.putIfAbsent(context, p) == null) {
          return p;
        }
      }
    }
  }

  private void send(Message request, Pending p) {
    int context = p.context;
    ByteBuffer frame = Codec.frame(request, id(request.messageType()), clientIndex, context);
    writeOrFail(frame, p, context);
  }

  /** A frame waiting for the writer, and the request to fail if it cannot be written. */
  private record Outgoing(ByteBuffer frame, @Nullable Pending pending) {}

  private void writeOrFail(ByteBuffer frame, @Nullable Pending p, int context) {
    outbox.add(new Outgoing(frame, p));
    LockSupport.unpark(writer);
  }

  private void write(Message m, int id, int context) {
    writeOrFail(Codec.frame(m, id, clientIndex, context), null, context);
  }

  /**
   * Writes queued frames, as many per system call as have queued up: pipelined requests share
   * syscalls, and no caller blocks on the socket.
   */
  private void writeLoop() {
    List<Outgoing> batch = new ArrayList<>();
    ByteBuffer[] buffers = new ByteBuffer[0];
    while (!closed.isDone()) {
      Outgoing o = outbox.poll();
      if (o == null) {
        LockSupport.park(this);
        continue;
      }
      batch.clear();
      batch.add(o);
      while (batch.size() < 1024 && (o = outbox.poll()) != null) {
        batch.add(o);
      }
      if (buffers.length != batch.size()) {
        buffers = new ByteBuffer[batch.size()];
      }
      for (int i = 0; i < batch.size(); i++) {
        buffers[i] = batch.get(i).frame();
      }
      try {
        while (buffers[buffers.length - 1].hasRemaining()) {
          channel.write(buffers);
        }
      } catch (IOException e) {
        VppException failure =
            new VppException("cannot write to VPP at " + path + ": " + e.getMessage(), e);
        for (Outgoing failed : batch) {
          if (failed.pending() != null
              && pending.remove(failed.pending().context, failed.pending())) {
            failed
                .pending()
                .future
                .completeExceptionally(
                    new VppException(failed.pending().what + ": " + failure.getMessage(), e));
          }
        }
        shutdown(failure);
        return;
      }
    }
  }

  private void readLoop() {
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    try {
      while (true) {
        if (channel.read(in) < 0) {
          shutdown(new VppException("VPP closed the API connection at " + path));
          return;
        }
        in.flip();
        while (in.remaining() >= Codec.FRAME_HEADER_SIZE) {
          int length = Codec.bodyLength(in);
          if (length < 2) {
            throw new VppException("VPP sent a frame of " + length + " bytes");
          }
          if (in.remaining() < Codec.FRAME_HEADER_SIZE + length) {
            if (Codec.FRAME_HEADER_SIZE + length > in.capacity()) {
              ByteBuffer bigger = ByteBuffer.allocate(Codec.FRAME_HEADER_SIZE + length);
              bigger.put(in);
              in = bigger.flip();
            }
            break;
          }
          ByteBuffer body = in.slice(in.position() + Codec.FRAME_HEADER_SIZE, length);
          in.position(in.position() + Codec.FRAME_HEADER_SIZE + length);
          dispatch(body);
        }
        in.compact();
      }
    } catch (IOException | RuntimeException e) {
      shutdown(
          closing.get()
              ? new VppException("connection to VPP at " + path + " closed")
              : new VppException("reading from VPP at " + path + " failed: " + e, e));
    }
  }

  private void dispatch(ByteBuffer body) {
    MessageType<?> type = byId[Codec.messageId(body)];
    if (type == null) {
      return; // not a message this client knows: nobody is waiting for it
    }
    int context = Codec.context(type, body);
    if (type == MemclntKeepalive.TYPE) {
      write(new MemclntKeepaliveReply(0), id(MemclntKeepaliveReply.TYPE), context);
      return;
    }
    Pending p = pending.get(context);
    if (p == null) {
      return; // the request timed out before VPP answered
    }
    try {
      if (p.details != null) {
        if (type == ControlPingReply.TYPE) {
          pending.remove(context);
          p.future.complete(List.copyOf(p.details));
        } else if (type == p.replyType) {
          p.details.add(Codec.decode(type, body).message());
        }
        return;
      }
      if (type != p.replyType) {
        return;
      }
      pending.remove(context);
      Message reply = Codec.decode(type, body).message();
      if (reply instanceof Reply r && r.retval() != 0 && type != SockclntDeleteReply.TYPE) {
        p.future.completeExceptionally(new VppErrorException(p.what, r.retval()));
      } else {
        p.future.complete(reply);
      }
    } catch (VppException e) {
      pending.remove(context);
      p.future.completeExceptionally(new VppException(p.what + ": " + e.getMessage(), e));
    }
  }

  private void sweepLoop() {
    while (!closed.isDone()) {
      try {
        closed.get(SWEEP.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        long now = System.nanoTime();
        pending.forEach(
            (context, p) -> {
              if (now - p.deadline > 0 && pending.remove(context, p)) {
                p.future.completeExceptionally(
                    new VppTimeoutException(
                        p.what
                            + ": VPP at "
                            + path
                            + " did not answer within "
                            + Duration.ofNanos(timeoutNanos).toMillis()
                            + " ms"));
              }
            });
      } catch (InterruptedException e) {
        return;
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  private void shutdown(VppException cause) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Integer context : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(context);
      if (p != null) {
        p.future.completeExceptionally(new VppException(p.what + ": " + cause.getMessage(), cause));
      }
    }
    closed.complete(null);
    LockSupport.unpark(writer);
  }

  /** Says goodbye with sockclnt_delete (VPP answers 1, then closes), then closes the socket. */
  @Override
  public void close() {
    if (closed.isDone() || !closing.compareAndSet(false, true)) {
      return;
    }
    try {
      if (has(SockclntDelete.TYPE)) {
        callSync(new SockclntDelete(clientIndex), SockclntDeleteReply.TYPE, "sockclnt_delete");
      }
    } catch (VppException e) {
      // VPP may already be gone; the socket is closed below either way
    }
    shutdown(new VppException("connection to VPP at " + path + " closed"));
  }
}
