/** JSON log lines in the original's shape, for the daemons' logback configuration. */
@NullMarked
package ch.ipng.maglev.common.logging;

import org.jspecify.annotations.NullMarked;
