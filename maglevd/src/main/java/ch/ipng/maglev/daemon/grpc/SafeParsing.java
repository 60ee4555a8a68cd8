package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.common.logging.RepeatLimit;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses requests itself so that bytes that are not the method's request message are answered
 * INVALID_ARGUMENT, naming the method and what is wrong. grpc-java parses in its own listener and
 * turns any parse failure into UNKNOWN "Application error processing RPC" plus a SEVERE stack trace
 * per request; here the service sees raw bytes, the call is closed before the handler hears of it,
 * and one rate-limited log line says so.
 */
final class SafeParsing {
  private static final Logger logger = LoggerFactory.getLogger(SafeParsing.class);

  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private SafeParsing() {}

  /** {@code service} with the same methods and schema, whose requests are parsed safely. */
  static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> w = wrap(m);
      descriptor.addMethod(w.getMethodDescriptor());
      methods.add(w);
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<InputStream, R> wrap(
      ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> typed = m.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        typed.toBuilder(RAW, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = m.getServerCallHandler();
    return ServerMethodDefinition.create(
        raw, (call, headers) -> new Listener<>(typed, handler, call, headers));
  }

  /** Parses each message, hands good ones on and closes the call at the first bad one. */
  private static final class Listener<Q, R> extends ServerCall.Listener<InputStream> {
    private final MethodDescriptor<Q, R> method;
    private final ServerCall<InputStream, R> call;
    private final ServerCall.Listener<Q> delegate;
    private boolean failed;

    Listener(
        MethodDescriptor<Q, R> method,
        ServerCallHandler<Q, R> handler,
        ServerCall<InputStream, R> call,
        Metadata headers) {
      this.method = method;
      this.call = call;
      this.delegate = handler.startCall(new TypedCall<>(call, method), headers);
    }

    @Override
    public void onMessage(InputStream message) {
      if (failed) {
        close(message);
        return;
      }
      Q request;
      try {
        request = method.parseRequest(message);
      } catch (RuntimeException e) {
        failed = true;
        close(message);
        String what = reason(e);
        logger
            .atWarn()
            .addMarker(RepeatLimit.CLIENT_ERROR)
            .setMessage("grpc-bad-request")
            .addKeyValue("method", method.getFullMethodName())
            .addKeyValue("error", what)
            .log();
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                method.getBareMethodName() + ": the request is not a valid message: " + what),
            new Metadata());
        return;
      }
      delegate.onMessage(request);
    }

    private static String reason(Throwable e) {
      Throwable c = e;
      for (int depth = 0; depth < 8 && c.getCause() != null; depth++) {
        c = c.getCause();
      }
      return Echo.of(String.valueOf(c.getMessage()));
    }

    private static void close(InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // a buffer the transport owns: nothing to do
      }
    }

    @Override
    public void onHalfClose() {
      if (!failed) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      if (!failed) {
        delegate.onReady();
      }
    }
  }

  /** The raw call as the typed service sees it: its own method descriptor, same transport. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> raw;
    private final MethodDescriptor<Q, R> method;

    TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> method) {
      this.raw = raw;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      raw.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public @Nullable String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
