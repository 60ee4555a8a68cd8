package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.JavaNames.className;

import ch.ipng.maglev.vpp.apigen.ApiModel.EnumDef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VPP enum as a class of int constants rather than a Java enum: a peer may send a value this
 * build does not know, and decoding must keep it.
 */
final class EnumEmitter {
  private EnumEmitter() {}

  static GeneratedSource emit(EnumDef e) {
    StringBuilder b = new StringBuilder();
    String cls = className(e.name());
    b.append("/** Constants of VPP's enum {@code ")
        .append(e.name())
        .append("} (")
        .append(e.underlying().vppName())
        .append(" on the wire). */\n");
    b.append("public final class ").append(cls).append(" {\n");
    for (Map.Entry<String, Long> c : e.constants().entrySet()) {
      b.append("  public static final int ")
          .append(c.getKey())
          .append(" = ")
          .append(intLiteral(c.getValue()))
          .append(";\n");
    }
    b.append("\n  private ").append(cls).append("() {}\n\n");
    b.append("  /** The constant's name, or the number when this enum has no such value. */\n");
    b.append("  public static String name(int value) {\n    return switch (value) {\n");
    // Aliases share a value, and a switch may name each value once: the first name wins.
    Set<Long> seen = new HashSet<>();
    for (Map.Entry<String, Long> c : e.constants().entrySet()) {
      if (seen.add(c.getValue())) {
        b.append("      case ")
            .append(intLiteral(c.getValue()))
            .append(" -> \"")
            .append(c.getKey())
            .append("\";\n");
      }
    }
    b.append("      default -> Integer.toString(value);\n    };\n  }\n}\n");
    return new GeneratedSource(List.of(), b.toString());
  }

  /** Values above Integer.MAX_VALUE (u32 enums) keep their bits. */
  private static String intLiteral(long value) {
    return value > Integer.MAX_VALUE ? "(int) " + value + "L" : Long.toString(value);
  }
}
