package ch.ipng.maglev.daemon.grpc;

/** What the gRPC listener reports to metrics: connections and event streams it turned away. */
public interface GrpcObserver {
  GrpcObserver NONE =
      new GrpcObserver() {
        @Override
        public void connectionRefused() {}

        @Override
        public void watchStreamRejected(String reason) {}
      };

  /** A connection over --grpc-max-connections was closed at once. */
  void connectionRefused();

  /**
   * A WatchEvents stream was refused or dropped.
   *
   * @param reason "limit-total", "limit-address" or "too-slow"
   */
  void watchStreamRejected(String reason);
}
