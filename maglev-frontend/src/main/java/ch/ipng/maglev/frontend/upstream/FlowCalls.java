package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.http.FlowQuery;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPLBFlow;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.gson.JsonObject;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The flow lookups on one maglevd: its LookupVPPLBFlow, the answer the proto's JSON (the fields
 * {@code maglevc show vpp lb flow --json} prints, with the proto's names), an error maglevd's
 * message with the HTTP status the admin actions give it. A read: not audited, no refresh follows.
 *
 * <p>Anyone who can see the dashboard can ask, and a client can pipeline requests on one connection
 * without waiting for the answers: at most {@link #MAX_IN_FLIGHT} lookups are in flight to one
 * maglevd, and one past that is answered 503 at once, without a call. Each lookup makes maglevd
 * read VPP's whole lb state, so they are paced too: {@link #BURST} at once, then {@link
 * #PER_SECOND} a second per maglevd; one beyond is answered 429 at once, without a call.
 */
final class FlowCalls {
  /** The most lookups in flight to one maglevd. */
  static final int MAX_IN_FLIGHT = 16;

  /** Lookups a second to one maglevd, after a burst of {@link #BURST}. */
  static final int PER_SECOND = 20;

  static final int BURST = 200;

  private final String name;
  private final ManagedChannel channel;
  private final Duration timeout;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Pace pace;

  /** Lookups on {@code channel} to the maglevd {@code name}, each given {@code timeout}. */
  FlowCalls(String name, ManagedChannel channel, Duration timeout) {
    this(name, channel, timeout, new Pace(PER_SECOND, BURST, System::nanoTime));
  }

  FlowCalls(String name, ManagedChannel channel, Duration timeout, Pace pace) {
    this.name = name;
    this.channel = channel;
    this.timeout = timeout;
    this.pace = pace;
  }

  CompletableFuture<AdminApi.Reply> lookup(FlowQuery q) {
    if (!pace.take()) {
      return CompletableFuture.completedFuture(
          error(
              429,
              "too many flow lookups to %s (at most %d a second): try again in a moment"
                  .formatted(name, pace.perSecond())));
    }
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return CompletableFuture.completedFuture(
          error(
              503,
              "too many flow lookups in flight to %s (limit %d): try again"
                  .formatted(name, MAX_IN_FLIGHT)));
    }
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    ListenableFuture<VPPLBFlow> call;
    try {
      call =
          MaglevGrpc.newFutureStub(channel)
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .lookupVPPLBFlow(
                  LookupVPPLBFlowRequest.newBuilder()
                      .setSrc(q.src())
                      .setSrcPort(q.srcPort())
                      .setDst(q.dst())
                      .setDstPort(q.dstPort())
                      .setProtocol(q.protocol())
                      .build());
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
    Futures.addCallback(
        call,
        new FutureCallback<VPPLBFlow>() {
          @Override
          public void onSuccess(VPPLBFlow f) {
            inFlight.decrementAndGet();
            out.complete(new AdminApi.Reply(200, ProtoJson.print(f)));
          }

          @Override
          public void onFailure(Throwable t) {
            inFlight.decrementAndGet();
            Status s = Status.fromThrowable(t);
            out.complete(
                error(
                    AdminCalls.httpStatus(s.getCode()),
                    s.getDescription() != null ? s.getDescription() : s.getCode().toString()));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }

  private static AdminApi.Reply error(int status, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    return new AdminApi.Reply(status, o.toString());
  }
}
