/** A build-time generator of Java records and codecs from VPP's .api.json message definitions. */
@NullMarked
package ch.ipng.maglev.vpp.apigen;

import org.jspecify.annotations.NullMarked;
