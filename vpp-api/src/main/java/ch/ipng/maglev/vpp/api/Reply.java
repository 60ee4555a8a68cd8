package ch.ipng.maglev.vpp.api;

/** A reply with an i32 return value (named retval or response): 0 is success. */
public interface Reply {
  int retval();
}
