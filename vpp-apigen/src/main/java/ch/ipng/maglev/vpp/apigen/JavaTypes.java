package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.JavaNames.className;
import static ch.ipng.maglev.vpp.apigen.JavaNames.fieldName;

import ch.ipng.maglev.vpp.apigen.ApiModel.Composite;
import ch.ipng.maglev.vpp.apigen.ApiModel.EnumRef;
import ch.ipng.maglev.vpp.apigen.ApiModel.Field;
import ch.ipng.maglev.vpp.apigen.ApiModel.Primitive;
import ch.ipng.maglev.vpp.apigen.ApiModel.Str;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;

/**
 * The Java type of each field. Integers of up to 32 bits become {@code int} (unsigned values keep
 * their bits), 64-bit ones {@code long}; u8 arrays become {@code byte[]}, other integer arrays
 * {@code int[]} or {@code long[]}, and arrays of structs {@code List}s.
 */
final class JavaTypes {
  private JavaTypes() {}

  static boolean isU8(ApiModel.Type t) {
    return t instanceof Primitive p && (p.vppName().equals("u8") || p.vppName().equals("i8"));
  }

  static boolean isArray(Field f) {
    return f.arrayLength() >= 0;
  }

  static String scalarType(ApiModel.Type t) {
    return switch (t) {
      case Primitive p ->
          switch (p.vppName()) {
            case "bool" -> "boolean";
            case "u64", "i64" -> "long";
            case "f64" -> "double";
            default -> "int";
          };
      case EnumRef e -> "int";
      case Str s -> "String";
      case Composite c -> className(c.name);
    };
  }

  static String javaType(StructDef s, Field f) {
    if (!isArray(f)) {
      return scalarType(f.type());
    }
    if (isU8(f.type())) {
      return "byte[]";
    }
    String scalar = scalarType(f.type());
    return switch (scalar) {
      case "int", "long" -> scalar + "[]";
      case "boolean", "double", "String" ->
          throw new IllegalArgumentException(s.name() + "." + f.name() + ": arrays of " + scalar);
      default -> "List<" + scalar + ">";
    };
  }

  static String lengthOf(Field array) {
    String name = fieldName(array.name());
    return isU8(array.type())
            || scalarType(array.type()).equals("int")
            || scalarType(array.type()).equals("long")
        ? name + ".length"
        : name + ".size()";
  }
}
