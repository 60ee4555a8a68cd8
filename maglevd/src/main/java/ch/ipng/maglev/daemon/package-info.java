/** maglevd's entry point: flags, wiring of the components, signals and exit codes. */
@NullMarked
package ch.ipng.maglev.daemon;

import org.jspecify.annotations.NullMarked;
