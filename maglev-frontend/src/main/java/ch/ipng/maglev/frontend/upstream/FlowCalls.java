package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.frontend.http.FlowQuery;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.VPPLBFlow;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.gson.JsonObject;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A flow lookup on one maglevd: its LookupVPPLBFlow, the answer the proto's JSON (the fields {@code
 * maglevc show vpp lb flow --json} prints, with the proto's names), an error maglevd's message with
 * the HTTP status the admin actions give it. A read: not audited, no refresh follows.
 */
final class FlowCalls {
  private FlowCalls() {}

  static CompletableFuture<AdminApi.Reply> lookup(ManagedChannel channel, FlowQuery q) {
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    Futures.addCallback(
        MaglevGrpc.newFutureStub(channel)
            .withDeadlineAfter(MaglevdClient.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .lookupVPPLBFlow(
                LookupVPPLBFlowRequest.newBuilder()
                    .setSrc(q.src())
                    .setSrcPort(q.srcPort())
                    .setDst(q.dst())
                    .setDstPort(q.dstPort())
                    .setProtocol(q.protocol())
                    .build()),
        new FutureCallback<VPPLBFlow>() {
          @Override
          public void onSuccess(VPPLBFlow f) {
            out.complete(new AdminApi.Reply(200, ProtoJson.print(f)));
          }

          @Override
          public void onFailure(Throwable t) {
            Status s = Status.fromThrowable(t);
            JsonObject o = new JsonObject();
            o.addProperty(
                "error", s.getDescription() != null ? s.getDescription() : s.getCode().toString());
            out.complete(new AdminApi.Reply(AdminCalls.httpStatus(s.getCode()), o.toString()));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }
}
