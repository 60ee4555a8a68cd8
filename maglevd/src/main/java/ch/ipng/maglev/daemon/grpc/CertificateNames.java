package ch.ipng.maglev.daemon.grpc;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The names a client certificate may be known by, in the order roles are looked up: the subject's
 * common names (CN), then the subject alternative names of type email, DNS, URI and IP address, in
 * the certificate's order.
 */
final class CertificateNames {
  private static final int EMAIL = 1;
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  private CertificateNames() {}

  static List<String> of(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      LdapName subject = new LdapName(cert.getSubjectX500Principal().getName());
      for (Rdn rdn : subject.getRdns().reversed()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          out.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // no usable subject: the alternative names may still do
    }
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      sans = null;
    }
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() >= 2
            && san.get(0) instanceof Integer type
            && (type == EMAIL || type == DNS || type == URI || type == IP)
            && san.get(1) instanceof String value
            && !out.contains(value)) {
          out.add(value);
        }
      }
    }
    return List.copyOf(out);
  }
}
