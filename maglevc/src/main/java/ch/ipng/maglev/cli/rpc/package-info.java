/** A small gRPC client over cleartext HTTP/2, so a one-shot maglevc starts in a few JVM ticks. */
@NullMarked
package ch.ipng.maglev.cli.rpc;

import org.jspecify.annotations.NullMarked;
