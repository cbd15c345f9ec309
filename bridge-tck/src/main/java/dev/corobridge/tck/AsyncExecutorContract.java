// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import org.junit.jupiter.api.Nested;

/**
 * The whole contract of spec sections 1-3 and 6 that every {@link dev.corobridge.AsyncExecutor} engine must
 * pass. An engine's test suite extends this class once and names its runtime:
 *
 * <pre>{@code
 * class MyEngineContractTest extends AsyncExecutorContract {
 *   @Override public AsyncExecutorProvider provider() { return new MyEngineProvider(); }
 * }
 * }</pre>
 *
 * <p>The areas run as nested groups; each is also an abstract class of its own
 * ({@link SubmitContract}, {@link BatchContract}, {@link WaitContract}, {@link PolicyContract},
 * {@link BridgingContract}, {@link LifecycleContract}, {@link StressContract}, {@link ScopeContract}, {@link FaultContract}, {@link ShutdownNowContract},
 * {@link ContextContract}) for engines that want
 * to run one area at a time.
 */
public abstract class AsyncExecutorContract implements RuntimeUnderTest {
  /** For the runtime's test class, which extends it. */
  protected AsyncExecutorContract() {}

  @Nested class Submit extends SubmitContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Batches extends BatchContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Waiting extends WaitContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Policies extends PolicyContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Bridging extends BridgingContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Lifecycle extends LifecycleContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Scopes extends ScopeContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class StopNow extends ShutdownNowContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Faults extends FaultContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Context extends ContextContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Listeners extends ListenerContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Progress extends ProgressContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }

  @Nested class Stress extends StressContract {
    @Override protected RuntimeUnderTest runtime() { return AsyncExecutorContract.this; }
  }
}
