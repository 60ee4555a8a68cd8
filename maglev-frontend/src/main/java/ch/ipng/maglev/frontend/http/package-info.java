/** The frontend's HTTP server: routes, JSON replies and the Server-Sent Events stream. */
@NullMarked
package ch.ipng.maglev.frontend.http;

import org.jspecify.annotations.NullMarked;
