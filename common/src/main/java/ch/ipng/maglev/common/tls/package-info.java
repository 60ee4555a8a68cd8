/** PEM certificates and keys read with errors that name the file and what was expected. */
@NullMarked
package ch.ipng.maglev.common.tls;

import org.jspecify.annotations.NullMarked;
