/** Health and config become VPP state: desired state, diff, the serial reconciler, counters. */
@NullMarked
package ch.ipng.maglev.daemon.dataplane;

import org.jspecify.annotations.NullMarked;
