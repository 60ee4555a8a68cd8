package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.daemon.checker.BackendStatus;
import ch.ipng.maglev.daemon.checker.CheckerException;
import ch.ipng.maglev.daemon.dataplane.DataplaneException;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.daemon.override.Overrides;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.SetWeightRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * The calls that set operator overrides (backend pause, resume, enable, disable, and pool weights),
 * each recorded with who asked, why and for how long.
 */
final class OverrideCalls {
  private final Overrides overrides;
  private final ModelSource models;
  private final @Nullable VppDataplane vpp;

  OverrideCalls(Overrides overrides, ModelSource models, @Nullable VppDataplane vpp) {
    this.overrides = overrides;
    this.models = models;
    this.vpp = vpp;
  }

  /** One of the backend lifecycle operations of {@link Overrides}. */
  interface Action {
    BackendStatus apply(String name, Overrides.Request request)
        throws CheckerException, Overrides.NotPersistedException;
  }

  /** Who asks (the call's actor), why and for how long. */
  private static Overrides.Request request(String reason, long ttlNs) throws CheckerException {
    if (ttlNs < 0) {
      throw new CheckerException(
          CheckerException.Reason.INVALID_ARGUMENT,
          "ttl_ns: " + ttlNs + " (expected: 0 for none, or a positive duration)");
    }
    return new Overrides.Request(
        Actors.current().name(), reason, ttlNs == 0 ? null : OverrideProtos.ttl(ttlNs));
  }

  /** Pause, resume, enable or disable: the backend's state after it, with its overrides. */
  void lifecycle(BackendRequest req, StreamObserver<BackendInfo> out, Action action) {
    if (req.getName().isEmpty()) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription("name: empty (expected: a backend name)")
              .asRuntimeException());
      return;
    }
    try {
      BackendStatus s = action.apply(req.getName(), request(req.getReason(), req.getTtlNs()));
      MaglevService.reply(
          out,
          OverrideProtos.withOverrides(
              Protos.backend(s, models.current().config()), overrides.book()));
    } catch (CheckerException e) {
      out.onError(MaglevService.status(e));
    } catch (Overrides.NotPersistedException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** SetFrontendPoolBackendWeight: an operator weight, synced to VPP at once when it is there. */
  void setFrontendPoolBackendWeight(SetWeightRequest req, StreamObserver<FrontendInfo> out) {
    try {
      // uint32 on the wire: read it unsigned, so 2147483648 and up are refused as what they are
      long weight = Integer.toUnsignedLong(req.getWeight());
      if (weight > 100) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("weight: " + weight + " (expected: 0-100)")
                .asRuntimeException());
        return;
      }
      overrides.setWeight(
          req.getFrontend(),
          req.getPool(),
          req.getBackend(),
          (int) weight,
          request(req.getReason(), req.getTtlNs()));
      if (vpp != null && vpp.info().isPresent()) {
        // the VIP is synced at once; while VPP is away the next sync after reconnect applies it
        vpp.syncFrontendNow(req.getFrontend(), req.getFlush() ? req.getBackend() : null);
      }
      MaglevService.reply(
          out,
          OverrideProtos.withOverrides(
              Protos.frontend(models.current().frontend(req.getFrontend()).orElseThrow()),
              overrides.book()));
    } catch (CheckerException e) {
      out.onError(MaglevService.status(e));
    } catch (Overrides.NotPersistedException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }
}
