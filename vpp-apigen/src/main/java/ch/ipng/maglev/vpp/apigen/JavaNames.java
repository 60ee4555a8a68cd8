package ch.ipng.maglev.vpp.apigen;

import java.util.Set;

/** VPP's snake_case names as Java names: types in UpperCamelCase, members in lowerCamelCase. */
final class JavaNames {
  /** Keywords, and Object's methods a record accessor would override: these get a '_'. */
  private static final Set<String> RESERVED =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "record",
          "var",
          "yield",
          "hashCode",
          "toString",
          "equals",
          "getClass");

  private JavaNames() {}

  static String className(String vppName) {
    StringBuilder b = new StringBuilder();
    for (String part : vppName.split("_", -1)) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.toString();
  }

  static String fieldName(String vppName) {
    String c = className(vppName);
    String name = Character.toLowerCase(c.charAt(0)) + c.substring(1);
    return RESERVED.contains(name) ? name + "_" : name;
  }
}
