package ch.ipng.maglev.cli.rpc;

import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.Locale;

/**
 * Writes maglevc's method table, the source of {@code MaglevMethod}, from maglev.proto's service
 * descriptor: each RPC's path, whether it streams, and whether the proto marks it {@code
 * idempotency_level = NO_SIDE_EFFECTS}.
 *
 * <p>The table is generated into the source tree rather than read from the descriptor at run time:
 * building the descriptor costs a one-shot maglevc some 15 ms even from the start-up archive.
 * {@code MaglevMethodTest} fails when the checked-in table is not what this writes now, and
 * rewrites it when run with {@code -Dmaglevc.regenerate}.
 */
final class MethodTableGenerator {
  private MethodTableGenerator() {}

  /** The Java source of the enum for {@code service}, formatted as google-java-format does. */
  static String source(ServiceDescriptor service) {
    StringBuilder sb = new StringBuilder();
    sb.append("// Generated from ")
        .append(service.getFile().getName())
        .append(" by maglevc's MethodTableGenerator (in its tests): do not edit.\n")
        .append(
            "// MaglevMethodTest fails when it is out of date; -Dmaglevc.regenerate rewrites it.\n")
        .append("package ch.ipng.maglev.cli.rpc;\n\n")
        .append("/**\n")
        .append(" * The RPCs of {@code ")
        .append(service.getFullName())
        .append("}, from the proto's descriptor: each one's path, whether it\n")
        .append(" * streams, and whether the proto marks it")
        .append(" {@code idempotency_level = NO_SIDE_EFFECTS}.\n")
        .append(" */\n")
        .append("enum MaglevMethod {\n");
    for (MethodDescriptor m : service.getMethods()) {
      String arguments =
          "\"/"
              + service.getFullName()
              + '/'
              + m.getName()
              + "\", "
              + m.isServerStreaming()
              + ", "
              + noSideEffects(m);
      String oneLine = "  " + constantName(m.getName()) + "(" + arguments + "),";
      // google-java-format's wrap for a constant longer than 100 columns
      sb.append(
              oneLine.length() <= 100
                  ? oneLine
                  : "  " + constantName(m.getName()) + "(\n      " + arguments + "),")
          .append('\n');
    }
    sb.append("  ;\n\n")
        .append("  private final String path;\n")
        .append("  private final boolean serverStreaming;\n")
        .append("  private final boolean noSideEffects;\n\n")
        .append("  MaglevMethod(String path, boolean serverStreaming, boolean noSideEffects) {\n")
        .append("    this.path = path;\n")
        .append("    this.serverStreaming = serverStreaming;\n")
        .append("    this.noSideEffects = noSideEffects;\n")
        .append("  }\n\n")
        .append("  /** \"/")
        .append(service.getFullName())
        .append("/Method\", the call's HTTP/2 path. */\n")
        .append("  String path() {\n")
        .append("    return path;\n")
        .append("  }\n\n")
        .append("  /** Whether the server answers with a stream of messages. */\n")
        .append("  boolean serverStreaming() {\n")
        .append("    return serverStreaming;\n")
        .append("  }\n\n")
        .append("  /** Whether the proto marks it idempotency_level = NO_SIDE_EFFECTS. */\n")
        .append("  boolean noSideEffects() {\n")
        .append("    return noSideEffects;\n")
        .append("  }\n")
        .append("}\n");
    return sb.toString();
  }

  static boolean noSideEffects(MethodDescriptor m) {
    return m.getOptions().getIdempotencyLevel() == IdempotencyLevel.NO_SIDE_EFFECTS;
  }

  /** "GetVPPLBState" is "GET_VPPLB_STATE": a word starts at a capital after a small letter. */
  static String constantName(String method) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      boolean wordStart =
          i > 0
              && Character.isUpperCase(c)
              && (Character.isLowerCase(method.charAt(i - 1))
                  || (i + 1 < method.length()
                      && Character.isLowerCase(method.charAt(i + 1))
                      && Character.isUpperCase(method.charAt(i - 1))));
      if (wordStart) {
        sb.append('_');
      }
      sb.append(c);
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }
}
