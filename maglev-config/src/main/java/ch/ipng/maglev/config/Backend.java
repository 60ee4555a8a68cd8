package ch.ipng.maglev.config;

import java.net.InetAddress;

/**
 * {@code maglev.backends.<name>}: an application server and the check that probes it.
 *
 * @param enabled false starts the backend disabled
 */
public record Backend(
    String name, InetAddress address, String healthcheck, String description, boolean enabled) {}
