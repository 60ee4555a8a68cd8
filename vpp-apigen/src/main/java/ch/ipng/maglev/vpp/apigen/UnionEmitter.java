package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.GeneratedSource.RUNTIME;
import static ch.ipng.maglev.vpp.apigen.JavaNames.className;
import static ch.ipng.maglev.vpp.apigen.JavaNames.fieldName;
import static ch.ipng.maglev.vpp.apigen.JavaTypes.isU8;

import ch.ipng.maglev.vpp.apigen.ApiModel.Composite;
import ch.ipng.maglev.vpp.apigen.ApiModel.Field;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import ch.ipng.maglev.vpp.apigen.ArrayMembers.Component;
import java.util.List;

/**
 * A VPP union as a record of its raw bytes: the wire does not say which member is set, so the
 * record keeps them all and each member's accessor reads them as that member.
 */
final class UnionEmitter {
  private UnionEmitter() {}

  static GeneratedSource emit(StructDef u) {
    String cls = className(u.name());
    StringBuilder b = new StringBuilder();
    b.append("/** VPP's union {@code ")
        .append(u.name())
        .append("}: raw bytes, every member starting at offset 0. */\n");
    b.append("public record ").append(cls).append("(byte[] bytes) {\n");
    b.append("  public static final int SIZE = ").append(u.size()).append(";\n\n");
    b.append("  public ")
        .append(cls)
        .append(" {\n    bytes = Arrays.copyOf(bytes, SIZE);\n  }\n\n");
    b.append("  public static ")
        .append(cls)
        .append(" decode(ByteBuffer buf) {\n")
        .append("    return new ")
        .append(cls)
        .append("(Wire.getBytes(buf, SIZE));\n  }\n\n");
    b.append("  public void encode(ByteBuffer buf) {\n    buf.put(bytes);\n  }\n\n");
    b.append("  public int size() {\n    return SIZE;\n  }\n\n");
    for (Field f : u.fields()) {
      appendMember(b, f);
    }
    ArrayMembers.append(b, cls, List.of(new Component("bytes", "byte[]", true)));
    b.append("}\n");
    return new GeneratedSource(
        List.of("java.nio.ByteBuffer", "java.util.Arrays", RUNTIME + ".Wire"), b.toString());
  }

  /** The accessor of a byte-array or struct member; other members get none. */
  private static void appendMember(StringBuilder b, Field f) {
    String name = fieldName(f.name());
    if (f.arrayLength() > 0 && isU8(f.type())) {
      b.append("  public byte[] ")
          .append(name)
          .append("() {\n    return Arrays.copyOf(bytes, ")
          .append(f.arrayLength())
          .append(");\n  }\n\n");
    } else if (f.type() instanceof Composite c && f.arrayLength() < 0) {
      b.append("  public ")
          .append(className(c.name))
          .append(' ')
          .append(name)
          .append("() {\n    return ")
          .append(className(c.name))
          .append(".decode(ByteBuffer.wrap(bytes));\n  }\n\n");
    }
  }
}
