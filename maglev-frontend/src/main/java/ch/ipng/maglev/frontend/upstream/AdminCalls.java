package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.http.AdminAction;
import ch.ipng.maglev.frontend.http.AdminApi;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.gson.JsonObject;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin actions on one maglevd: each becomes its gRPC call, and the answer the proto's JSON or
 * maglevd's error (without gRPC's boilerplate) with a matching HTTP status.
 */
final class AdminCalls {
  private static final Logger logger = LoggerFactory.getLogger(AdminCalls.class);

  private final String name;
  private final ManagedChannel channel;
  private final Runnable refresh;

  /** {@code refresh} asks for a new snapshot after a successful change. */
  AdminCalls(String name, ManagedChannel channel, Runnable refresh) {
    this.name = name;
    this.channel = channel;
    this.refresh = refresh;
  }

  /** Carries out {@code action}, logged with who asked for it and from where. */
  CompletableFuture<AdminApi.Reply> perform(AdminAction action, String user, String remote) {
    if (action instanceof AdminAction.WeightPreview p) {
      return preview(p);
    }
    ListenableFuture<? extends Message> call = call(action, user);
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<Message>() {
          @Override
          public void onSuccess(Message m) {
            audit(action, user, remote, "ok");
            // a weight change makes no transition event: refresh for the buckets' sake
            refresh.run();
            out.complete(new AdminApi.Reply(200, ProtoJson.print(m)));
          }

          @Override
          public void onFailure(Throwable t) {
            Status s = Status.fromThrowable(t);
            audit(action, user, remote, MaglevdClient.describe(s));
            out.complete(errorReply(s));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }

  /** One gRPC call: the method and its request. */
  record Call<Q extends Message, R extends Message>(MethodDescriptor<Q, R> method, Q request) {
    ListenableFuture<R> start(Channel channel, CallOptions options) {
      return ClientCalls.futureUnaryCall(channel.newCall(method, options), request);
    }
  }

  private ListenableFuture<? extends Message> call(AdminAction action, String user) {
    return call(action)
        .start(
            asUser(channel, user),
            CallOptions.DEFAULT.withDeadlineAfter(
                MaglevdClient.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** The call {@code action} makes; the role it needs at maglevd is that of its method. */
  static Call<?, ?> call(AdminAction action) {
    return switch (action) {
      case AdminAction.Lifecycle l -> {
        BackendRequest r =
            BackendRequest.newBuilder()
                .setName(l.backend())
                .setReason(l.reason())
                .setTtlNs(l.ttl().toNanos())
                .build();
        yield switch (l.verb()) {
          case "pause" -> new Call<>(MaglevGrpc.getPauseBackendMethod(), r);
          case "resume" -> new Call<>(MaglevGrpc.getResumeBackendMethod(), r);
          case "enable" -> new Call<>(MaglevGrpc.getEnableBackendMethod(), r);
          default -> new Call<>(MaglevGrpc.getDisableBackendMethod(), r);
        };
      }
      case AdminAction.SetWeight w ->
          new Call<>(
              MaglevGrpc.getSetFrontendPoolBackendWeightMethod(),
              SetWeightRequest.newBuilder()
                  .setFrontend(w.frontend())
                  .setPool(w.pool())
                  .setBackend(w.backend())
                  .setWeight(w.weight())
                  .setFlush(w.flush())
                  .setReason(w.reason())
                  .setTtlNs(w.ttl().toNanos())
                  .build());
      case AdminAction.SyncVpp v ->
          new Call<>(
              MaglevGrpc.getSyncVPPLBStateMethod(),
              SyncVPPLBStateRequest.newBuilder().setFrontend(v.frontend()).build());
      case AdminAction.ReloadConfig r ->
          new Call<>(MaglevGrpc.getReloadConfigMethod(), ReloadConfigRequest.getDefaultInstance());
      case AdminAction.ReleaseChecker c ->
          new Call<>(
              MaglevGrpc.getReleaseCheckerSuspicionMethod(),
              ReleaseCheckerSuspicionRequest.getDefaultInstance());
      case AdminAction.WeightPreview p ->
          new Call<>(
              MaglevGrpc.getPreviewFrontendPoolBackendWeightMethod(),
              PreviewWeightRequest.newBuilder()
                  .setFrontend(p.frontend())
                  .setPool(p.pool())
                  .setBackend(p.backend())
                  .setWeight(p.weight())
                  .build());
    };
  }

  /**
   * What a weight change would do to VPP's buckets, as maglevd computes it (the proto's JSON). A
   * read, asked again as the weight is typed: not audited, and no refresh follows.
   */
  private CompletableFuture<AdminApi.Reply> preview(AdminAction.WeightPreview p) {
    ListenableFuture<? extends Message> call = call(p, "");
    CompletableFuture<AdminApi.Reply> out = new CompletableFuture<>();
    Futures.addCallback(
        call,
        new FutureCallback<Message>() {
          @Override
          public void onSuccess(Message r) {
            out.complete(new AdminApi.Reply(200, ProtoJson.print(r)));
          }

          @Override
          public void onFailure(Throwable t) {
            out.complete(errorReply(Status.fromThrowable(t)));
          }
        },
        MoreExecutors.directExecutor());
    return out;
  }

  /** The metadata in which maglevd learns the acting user (trusted from an operator or admin). */
  static final Metadata.Key<String> ACTOR =
      Metadata.Key.of("maglev-actor", Metadata.ASCII_STRING_MARSHALLER);

  /** {@code channel} naming {@code user} as the acting user, when the name is printable ASCII. */
  private static Channel asUser(Channel channel, String user) {
    if (user.isEmpty()
        || user.length() > 128
        || !user.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return channel;
    }
    Metadata m = new Metadata();
    m.put(ACTOR, user);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  /** maglevd's error (without gRPC's boilerplate) with the HTTP status that matches it. */
  private static AdminApi.Reply errorReply(Status s) {
    String message = s.getDescription() != null ? s.getDescription() : s.getCode().toString();
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    return new AdminApi.Reply(httpStatus(s.getCode()), o.toString());
  }

  /** The HTTP status that says what a maglevd's gRPC status says. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case PERMISSION_DENIED -> 403;
      case INVALID_ARGUMENT -> 400;
      case FAILED_PRECONDITION -> 409;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 502;
    };
  }

  private void audit(AdminAction action, String user, String remote, String result) {
    logger
        .atInfo()
        .setMessage("admin-action")
        .addKeyValue("maglevd", name)
        .addKeyValue("action", action.toString())
        .addKeyValue("user", user)
        .addKeyValue("remote", remote)
        .addKeyValue("result", result)
        .log();
  }
}
