package ch.ipng.maglev.config;

/** A frontend's IP protocol, with VPP's protocol numbers. */
public enum Protocol {
  TCP(6, "tcp"),
  UDP(17, "udp"),
  ANY(255, "any");

  private final int number;
  private final String configName;

  Protocol(int number, String configName) {
    this.number = number;
    this.configName = configName;
  }

  /** IANA protocol number as VPP takes it (255 = any). */
  public int number() {
    return number;
  }

  public String configName() {
    return configName;
  }
}
