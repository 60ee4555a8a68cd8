/** The gRPC API: the Maglev service, reflection and the standard health service. */
@NullMarked
package ch.ipng.maglev.daemon.grpc;

import org.jspecify.annotations.NullMarked;
