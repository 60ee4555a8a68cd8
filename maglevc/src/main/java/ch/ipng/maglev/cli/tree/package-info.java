/** The command tree: one definition of maglevc's commands for dispatch, completion and help. */
@NullMarked
package ch.ipng.maglev.cli.tree;

import org.jspecify.annotations.NullMarked;
