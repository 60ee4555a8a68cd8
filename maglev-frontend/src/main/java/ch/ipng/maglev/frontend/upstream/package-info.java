/** The frontend's side of each maglevd: gRPC channels, the watch and health loops. */
@NullMarked
package ch.ipng.maglev.frontend.upstream;

import org.jspecify.annotations.NullMarked;
