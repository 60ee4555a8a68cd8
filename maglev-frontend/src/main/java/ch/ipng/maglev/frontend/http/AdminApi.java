package ch.ipng.maglev.frontend.http;

import java.util.concurrent.CompletableFuture;

/** Carries out admin actions on a maglevd; the server knows only the HTTP side. */
public interface AdminApi {
  /** The outcome as it is answered: an HTTP status and a JSON body. */
  record Reply(int status, String json) {}

  /** Performs {@code action} for {@code user}; never fails: errors are replies. */
  CompletableFuture<Reply> perform(AdminAction action, String user, String remote);
}
