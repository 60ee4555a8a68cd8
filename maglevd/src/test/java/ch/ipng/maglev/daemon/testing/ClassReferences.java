package ch.ipng.maglev.daemon.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a compiled class uses, for the architecture tests: every class name its constant pool
 * mentions (references, descriptors, signatures).
 */
public final class ClassReferences {
  private static final Pattern NAME = Pattern.compile("ch/ipng/maglev/[A-Za-z0-9_/$]+");

  private ClassReferences() {}

  /** Every ch/ipng/maglev class name in the class file's constant pool. */
  public static Set<String> mentioned(Path classFile) throws IOException {
    Set<String> out = new TreeSet<>();
    try (InputStream in = Files.newInputStream(classFile);
        DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != 0xCAFEBABE) {
        throw new IOException(classFile + ": not a class file");
      }
      d.readUnsignedShort();
      d.readUnsignedShort();
      int count = d.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = d.readUnsignedByte();
        switch (tag) {
          case 1 -> {
            Matcher m = NAME.matcher(d.readUTF());
            while (m.find()) {
              out.add(m.group());
            }
          }
          case 3, 4, 9, 10, 11, 12, 17, 18 -> d.readInt();
          case 5, 6 -> {
            d.readLong();
            i++; // eight-byte constants take two slots
          }
          case 7, 8, 16, 19, 20 -> d.readUnsignedShort();
          case 15 -> {
            d.readUnsignedByte();
            d.readUnsignedShort();
          }
          default -> throw new IOException(classFile + ": constant pool tag " + tag);
        }
      }
    }
    return out;
  }
}
