/** VPP's stats segment: receiving it over the stats socket and reading it lock-free. */
@NullMarked
package ch.ipng.maglev.vpp.stats;

import org.jspecify.annotations.NullMarked;
