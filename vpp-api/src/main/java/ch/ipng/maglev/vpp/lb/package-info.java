/** A typed client for VPP's lb (Maglev) plugin, API version 1.2.0. */
@NullMarked
package ch.ipng.maglev.vpp.lb;

import org.jspecify.annotations.NullMarked;
