/** maglevd-frontend's entry point: flags, wiring and signals. */
@NullMarked
package ch.ipng.maglev.frontend;

import org.jspecify.annotations.NullMarked;
