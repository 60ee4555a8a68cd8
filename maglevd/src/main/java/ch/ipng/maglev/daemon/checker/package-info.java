/** One scheduled probe loop per backend, reload diffing, and the operator's lifecycle actions. */
@NullMarked
package ch.ipng.maglev.daemon.checker;

import org.jspecify.annotations.NullMarked;
