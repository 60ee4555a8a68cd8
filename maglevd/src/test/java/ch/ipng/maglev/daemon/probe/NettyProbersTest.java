package ch.ipng.maglev.daemon.probe;

/** {@link ProbersTest} with every TCP and HTTP check on Netty channels, as inside a namespace. */
class NettyProbersTest extends ProbersTest {
  @Override
  boolean lean() {
    return false;
  }
}
