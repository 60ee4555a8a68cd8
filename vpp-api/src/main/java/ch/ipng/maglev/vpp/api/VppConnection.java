package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.vpp.api.Requests.Pending;
import ch.ipng.maglev.vpp.api.msg.ControlPing;
import ch.ipng.maglev.vpp.api.msg.ControlPingReply;
import ch.ipng.maglev.vpp.api.msg.MemclntKeepalive;
import ch.ipng.maglev.vpp.api.msg.MemclntKeepaliveReply;
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
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One client connection to VPP's binary-API stream socket.
 *
 * <p>Requests are pipelined: each gets its own context and future, replies are matched by context
 * on a reader thread, and a sweeper fails every request VPP has not answered within the timeout
 * (VPP drops requests it cannot route or parse without a word). Futures complete on the reader
 * thread, so callers must not block inside their callbacks.
 *
 * <p>The socket and its threads are in {@link ApiSocket}, the matching and timeouts in {@link
 * Requests}, VPP's message ids in {@link MessageIds}.
 */
public final class VppConnection implements AutoCloseable {
  private static final List<MessageType<?>> ALWAYS_REQUIRED =
      List.of(
          ControlPing.TYPE, ControlPingReply.TYPE, SockclntDelete.TYPE, SockclntDeleteReply.TYPE);

  private final Path path;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Requests requests;
  private final ApiSocket socket;
  private volatile MessageIds ids;
  private volatile int clientIndex;

  /** Sees every request and its outcome, e.g. for debug logs and counters. */
  public interface Observer {
    Observer NONE = new Observer() {};

    /** A request (or a dump with its control_ping) was queued for sending. */
    default void sent(String message, boolean dump) {}

    /** Its reply (or the end of its details) arrived, or it failed. */
    default void received(String message, boolean dump, boolean success) {}

    /**
     * VPP announced a frame longer than {@link Codec#MAX_BODY_LENGTH}: it was refused at its header
     * and the connection ends (once per refusal, the connect's included when the observer was given
     * to {@link #connect(Path, String, Duration, Collection, Observer)}).
     */
    default void frameRefused(long claimedLength) {}
  }

  private volatile Observer observer = Observer.NONE;

  /** Installs the observer of every later request. */
  public void observe(Observer observer) {
    this.observer = observer;
  }

  private VppConnection(SocketChannel channel, Path path, Duration timeout) {
    this.path = path;
    this.ids = MessageIds.bootstrap(path);
    this.requests = new Requests(path, timeout, closed);
    this.socket =
        new ApiSocket(channel, path, closed, requests, this::dispatch, this::socketFailed);
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
    return connect(socket, clientName, timeout, required, Observer.NONE);
  }

  /**
   * As {@link #connect(Path, String, Duration, Collection)}, with {@code observer} installed from
   * the start, so that it also hears a frame refused during the connect.
   */
  public static VppConnection connect(
      Path socket,
      String clientName,
      Duration timeout,
      Collection<MessageType<?>> required,
      Observer observer) {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      throw new VppException(
          "cannot connect to VPP's API socket " + socket + ": " + e.getMessage(), e);
    }
    VppConnection c = new VppConnection(channel, socket, timeout);
    c.observer = observer;
    c.socket.start();
    c.requests.start();
    try {
      Pending create = c.requests.register("sockclnt_create", SockclntCreateReply.TYPE, false);
      int context = create.context;
      c.write(new SockclntCreate(clientName), MessageIds.SOCKCLNT_CREATE_ID, context);
      SockclntCreateReply reply = (SockclntCreateReply) await(create.future);
      MessageIds table = MessageIds.of(socket, reply);
      c.clientIndex = reply.index();
      c.ids = table;
      Set<MessageType<?>> all = new LinkedHashSet<>(ALWAYS_REQUIRED);
      all.addAll(required);
      table.checkPresent(all);
      return c;
    } catch (RuntimeException e) {
      c.shutdown(e instanceof VppException v ? v : new VppException(e.getMessage(), e));
      throw e;
    }
  }

  /** True when VPP's table has this message with this CRC. */
  public boolean has(MessageType<?> type) {
    return ids.has(type);
  }

  /** The id VPP assigned to this message on this connection. */
  public int id(MessageType<?> type) {
    return ids.id(type);
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
    Pending p = requests.register(what, replyType, false);
    observed(request.messageType().name(), false, p);
    send(request, p);
    @SuppressWarnings("unchecked")
    CompletableFuture<R> f = (CompletableFuture<R>) (CompletableFuture<?>) p.future;
    return f;
  }

  /** Sends a dump followed by a control_ping with the same context and collects the details. */
  public <D extends Message> CompletableFuture<List<D>> dump(
      Message request, MessageType<D> detailsType, String what) {
    Pending p = requests.register(what, detailsType, true);
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
    socket.send(both.flip(), p);
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

  private void send(Message request, Pending p) {
    int context = p.context;
    ByteBuffer frame = Codec.frame(request, id(request.messageType()), clientIndex, context);
    socket.send(frame, p);
  }

  private void write(Message m, int id, int context) {
    socket.send(Codec.frame(m, id, clientIndex, context), null);
  }

  /** Handles one frame from VPP, on the reader thread. */
  private void dispatch(ByteBuffer body) {
    MessageType<?> type = ids.type(Codec.messageId(body));
    if (type == null) {
      return; // not a message this client knows: nobody is waiting for it
    }
    int context = Codec.context(type, body);
    if (type == MemclntKeepalive.TYPE) {
      write(new MemclntKeepaliveReply(0), id(MemclntKeepaliveReply.TYPE), context);
      return;
    }
    requests.received(type, context, body);
  }

  /** The socket's reader or writer ended on {@code cause}: counted if a frame was refused. */
  private void socketFailed(VppException cause) {
    FrameTooLongException tooLong = FrameTooLongException.in(cause);
    if (tooLong != null) {
      observer.frameRefused(tooLong.claimed());
    }
    shutdown(cause);
  }

  private void shutdown(VppException cause) {
    socket.closeChannel();
    requests.failAll(cause);
    closed.complete(null);
    socket.wakeWriter();
  }

  /** Says goodbye with sockclnt_delete (VPP answers 1, then closes), then closes the socket. */
  @Override
  public void close() {
    if (closed.isDone() || !socket.beginClose()) {
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
