package ch.ipng.maglev.vpp.api;

import java.util.Map;

/** VPP answered a request with a non-zero return value. */
public final class VppErrorException extends VppException {
  private static final long serialVersionUID = 1L;

  /** The VNET_API_ERROR codes the lb plugin and the API core are known to return. */
  private static final Map<Integer, String> NAMES =
      Map.of(
          -1, "VNET_API_ERROR_UNSPECIFIED",
          -2, "VNET_API_ERROR_INVALID_SW_IF_INDEX",
          -6, "VNET_API_ERROR_NO_SUCH_ENTRY",
          -7, "VNET_API_ERROR_INVALID_VALUE",
          -70, "VNET_API_ERROR_INVALID_MEMORY_SIZE",
          -73, "VNET_API_ERROR_INVALID_ARGUMENT",
          -81, "VNET_API_ERROR_VALUE_EXIST",
          -97, "VNET_API_ERROR_INVALID_ADDRESS_FAMILY");

  private final int retval;
  private final String request;

  public VppErrorException(String request, int retval) {
    super(request + ": VPP error " + retval + " " + errorName(retval));
    this.retval = retval;
    this.request = request;
  }

  /** The symbolic name of a VPP return value, e.g. VNET_API_ERROR_NO_SUCH_ENTRY for -6. */
  public static String errorName(int retval) {
    return NAMES.getOrDefault(retval, "(unknown VNET_API_ERROR)");
  }

  public int retval() {
    return retval;
  }

  /** The request VPP refused, with its arguments. */
  public String request() {
    return request;
  }
}
