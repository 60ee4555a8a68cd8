package ch.ipng.maglev.daemon.model;

/** One backend's entry in one pool of one frontend: what an operator weight applies to. */
public record WeightKey(String frontend, String pool, String backend) {}
