/**
 * VPP lb 1.2.0's Maglev new-flow table, bucket for bucket, for the simulator, CLI and dashboard.
 */
@NullMarked
package ch.ipng.maglev.vpp.maglev;

import org.jspecify.annotations.NullMarked;
