package ch.ipng.maglev.cli.rpc;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A call that did not succeed: its gRPC status code and the server's (or our) description. */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** gRPC status codes, in wire order. */
  public enum Code {
    OK,
    CANCELLED,
    UNKNOWN,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    NOT_FOUND,
    ALREADY_EXISTS,
    PERMISSION_DENIED,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    ABORTED,
    OUT_OF_RANGE,
    UNIMPLEMENTED,
    INTERNAL,
    UNAVAILABLE,
    DATA_LOSS,
    UNAUTHENTICATED;

    /** The code with wire value {@code value}; UNKNOWN for values gRPC does not define. */
    static Code of(int value) {
      Code[] all = values();
      return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
  }

  private final Code code;
  private final @Nullable String description;

  /** Set by GrpcChannel: the call failed on an old connection before any of its answer came. */
  boolean staleConnection;

  /** Set by GrpcChannel: the server refused the call unprocessed (HTTP/2 REFUSED_STREAM). */
  boolean notProcessed;

  RpcException(Code code, @Nullable String description) {
    this(code, description, null);
  }

  RpcException(Code code, @Nullable String description, @Nullable Throwable cause) {
    super(
        description == null ? code.name() : code.name() + ": " + description, cause, false, false);
    this.code = code;
    this.description = description;
  }

  public Code code() {
    return code;
  }

  /** The server's message, or null when it sent none. */
  public @Nullable String description() {
    return description;
  }

  /** The description, or the code's name in lower case when there is none. */
  public String describe() {
    return description != null ? description : code.name().toLowerCase(Locale.ROOT);
  }
}
