package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.proto.ListBackendsResponse;
import ch.ipng.maglev.proto.ListFrontendsResponse;
import ch.ipng.maglev.proto.ListHealthChecksResponse;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one maglevd said at its last refresh: lists in the order its List RPCs give (the page keeps
 * that order), and VPP's info and lb state when maglevd has a VPP connection.
 *
 * @param vppError why VPP's info could not be read ("" when it was)
 */
public record Snapshot(
    Instant at,
    ListFrontendsResponse frontends,
    ListBackendsResponse backends,
    ListHealthChecksResponse healthchecks,
    @Nullable VPPInfo vppInfo,
    @Nullable VPPLBState lbState,
    String vppError) {}
