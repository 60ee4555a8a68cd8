package ch.ipng.maglev.vpp.apigen;

import java.util.List;

/**
 * The equals, hashCode and toString of a generated record with array components: a record's own
 * would compare arrays by identity and print them as {@code [B@1f2a}.
 */
final class ArrayMembers {
  /** One record component: its Java name and type, and whether that type is an array. */
  record Component(String name, String javaType, boolean array) {}

  private ArrayMembers() {}

  /** Appends the three methods to {@code b}, the source of record {@code cls}. */
  static void append(StringBuilder b, String cls, List<Component> components) {
    appendEquals(b, cls, components);
    appendHashCode(b, components);
    appendToString(b, cls, components);
  }

  private static void appendEquals(StringBuilder b, String cls, List<Component> components) {
    b.append("  @Override\n  public boolean equals(Object o) {\n");
    b.append("    return o instanceof ").append(cls).append(" other");
    for (Component c : components) {
      b.append("\n        && ");
      if (c.array()) {
        b.append("Arrays.equals(").append(c.name()).append(", other.").append(c.name()).append(')');
      } else if (c.javaType().equals("int")
          || c.javaType().equals("long")
          || c.javaType().equals("boolean")) {
        b.append(c.name()).append(" == other.").append(c.name());
      } else if (c.javaType().equals("double")) {
        b.append("Double.compare(")
            .append(c.name())
            .append(", other.")
            .append(c.name())
            .append(") == 0");
      } else {
        b.append(c.name()).append(".equals(other.").append(c.name()).append(')');
      }
    }
    b.append(";\n  }\n\n");
  }

  private static void appendHashCode(StringBuilder b, List<Component> components) {
    b.append("  @Override\n  public int hashCode() {\n    int h = 1;\n");
    for (Component c : components) {
      b.append("    h = 31 * h + ");
      if (c.array()) {
        b.append("Arrays.hashCode(").append(c.name()).append(')');
      } else {
        b.append(boxed(c.javaType())).append(".hashCode(").append(c.name()).append(')');
      }
      b.append(";\n");
    }
    b.append("    return h;\n  }\n\n");
  }

  private static void appendToString(StringBuilder b, String cls, List<Component> components) {
    b.append("  @Override\n  public String toString() {\n    return \"").append(cls).append("[\"");
    for (int i = 0; i < components.size(); i++) {
      Component c = components.get(i);
      b.append("\n        + \"").append(i == 0 ? "" : ", ").append(c.name()).append("=\" + ");
      if (c.javaType().equals("byte[]")) {
        b.append("Wire.hex(").append(c.name()).append(')');
      } else if (c.array()) {
        b.append("Arrays.toString(").append(c.name()).append(')');
      } else {
        b.append(c.name());
      }
    }
    b.append("\n        + \"]\";\n  }\n");
  }

  /** The class with the static hashCode of a non-array component. */
  private static String boxed(String javaType) {
    return switch (javaType) {
      case "int" -> "Integer";
      case "long" -> "Long";
      case "boolean" -> "Boolean";
      case "double" -> "Double";
      default -> "java.util.Objects";
    };
  }
}
