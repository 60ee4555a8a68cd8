package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.JavaNames.className;
import static ch.ipng.maglev.vpp.apigen.JavaNames.fieldName;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.isArray;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.isU8;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.lengthOf;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.scalarType;

import ch.ipng.maglev.vpp.apigen.ApiModel.Composite;
import ch.ipng.maglev.vpp.apigen.ApiModel.EnumRef;
import ch.ipng.maglev.vpp.apigen.ApiModel.Field;
import ch.ipng.maglev.vpp.apigen.ApiModel.Primitive;
import ch.ipng.maglev.vpp.apigen.ApiModel.Str;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import java.util.List;
import java.util.Set;

/**
 * The generated code that reads, writes and sizes one field. VPP's messages are packed and
 * big-endian, ByteBuffer's default order, so most fields are one ByteBuffer call.
 */
final class Codecs {
  private Codecs() {}

  static String read(ApiModel.Type t) {
    return switch (t) {
      case Primitive p ->
          switch (p.vppName()) {
            case "u8" -> "buf.get() & 0xff";
            case "i8" -> "buf.get()";
            case "bool" -> "buf.get() != 0";
            case "u16" -> "buf.getShort() & 0xffff";
            case "i16" -> "buf.getShort()";
            case "u32", "i32" -> "buf.getInt()";
            case "u64", "i64" -> "buf.getLong()";
            case "f64" -> "Wire.getF64(buf)";
            default -> throw new IllegalArgumentException(p.vppName());
          };
      case EnumRef e -> read(e.def().underlying());
      case Str s ->
          s.length() == 0 ? "Wire.getVarString(buf)" : "Wire.getString(buf, " + s.length() + ")";
      case Composite c -> className(c.name) + ".decode(buf)";
    };
  }

  static String readField(Field f, String count) {
    if (!isArray(f)) {
      return read(f.type());
    }
    int elem = f.type().size();
    if (isU8(f.type())) {
      return "Wire.getBytes(buf, " + count + ")";
    }
    return switch (scalarType(f.type())) {
      case "int" -> "Wire.getInts(buf, " + count + ", " + elem + ", () -> " + read(f.type()) + ")";
      case "long" -> "Wire.getLongs(buf, " + count + ")";
      default ->
          "Wire.getList(buf, "
              + count
              + ", "
              + elem
              + ", "
              + className(((Composite) f.type()).name)
              + "::decode)";
    };
  }

  static String write(ApiModel.Type t, String value) {
    return switch (t) {
      case Primitive p ->
          switch (p.vppName()) {
            case "u8", "i8" -> "buf.put((byte) " + value + ");";
            case "bool" -> "buf.put((byte) (" + value + " ? 1 : 0));";
            case "u16", "i16" -> "buf.putShort((short) " + value + ");";
            case "u32", "i32" -> "buf.putInt(" + value + ");";
            case "u64", "i64" -> "buf.putLong(" + value + ");";
            case "f64" -> "Wire.putF64(buf, " + value + ");";
            default -> throw new IllegalArgumentException(p.vppName());
          };
      case EnumRef e -> write(e.def().underlying(), value);
      case Str s -> throw new IllegalStateException("strings are written with their field name");
      case Composite c -> value + ".encode(buf);";
    };
  }

  static String writeField(StructDef s, Field f) {
    String name = fieldName(f.name());
    String where = "\"" + s.name() + "." + f.name() + "\"";
    if (f.type() instanceof Str str) {
      return str.length() == 0
          ? "    Wire.putVarString(buf, " + name + ");\n"
          : "    Wire.putString(buf, " + name + ", " + str.length() + ", " + where + ");\n";
    }
    if (!isArray(f)) {
      return "    " + write(f.type(), name) + "\n";
    }
    String length = f.countField() == null ? Integer.toString(f.arrayLength()) : "-1";
    if (isU8(f.type())) {
      return "    Wire.putBytes(buf, " + name + ", " + length + ", " + where + ");\n";
    }
    String element = "e_" + name;
    String loopType = scalarType(f.type());
    StringBuilder b = new StringBuilder();
    if (f.countField() == null) {
      b.append("    Wire.checkLength(")
          .append(lengthOf(f))
          .append(", ")
          .append(length)
          .append(", ")
          .append(where)
          .append(");\n");
    }
    b.append("    for (")
        .append(loopType)
        .append(' ')
        .append(element)
        .append(" : ")
        .append(name)
        .append(") {\n      ")
        .append(write(f.type(), element))
        .append("\n    }\n");
    return b.toString();
  }

  static String dynamicSize(Field f) {
    String name = fieldName(f.name());
    if (f.type() instanceof Str) {
      return "Wire.stringBytes(" + name + ")";
    }
    if (f.type().size() >= 0) {
      return lengthOf(f) + " * " + f.type().size();
    }
    return name + ".stream().mapToInt(e -> e.size()).sum()";
  }

  static int fixedSize(List<Field> fields, Set<String> counts) {
    int size = 0;
    for (Field f : fields) {
      if (counts.contains(f.name())) {
        size += f.type().size();
      } else if (f.size() >= 0) {
        size += f.size();
      } else if (f.type() instanceof Str) {
        size += 4;
      }
    }
    return size;
  }
}
