/** maglevc: the operator's shell and one-shot CLI for maglevd's gRPC API. */
@NullMarked
package ch.ipng.maglev.cli;

import org.jspecify.annotations.NullMarked;
