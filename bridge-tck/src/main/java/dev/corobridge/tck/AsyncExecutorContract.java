package dev.corobridge.tck;

import dev.corobridge.spi.AsyncExecutorProvider;
import org.junit.jupiter.api.Nested;

/**
 * The whole contract of spec sections 1-3 that every {@link dev.corobridge.AsyncExecutor} engine must
 * pass. An engine's test suite extends this class once and names its runtime:
 *
 * <pre>{@code
 * class MyEngineContractTest extends AsyncExecutorContract {
 *   @Override protected AsyncExecutorProvider provider() { return new MyEngineProvider(); }
 * }
 * }</pre>
 *
 * <p>The areas run as nested groups; each is also an abstract class of its own
 * ({@link SubmitContract}, {@link BatchContract}, {@link WaitContract}, {@link PolicyContract},
 * {@link BridgingContract}, {@link LifecycleContract}, {@link StressContract}) for engines that want
 * to run one area at a time.
 */
public abstract class AsyncExecutorContract {
  /** The runtime under test. */
  protected abstract AsyncExecutorProvider provider();

  /** See {@link ContractSupport#isSharedRuntimeThread(Thread)}; delegates to the default unless overridden. */
  protected boolean isSharedRuntimeThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("ForkJoinPool.commonPool") || name.startsWith("CompletableFutureDelayScheduler");
  }

  /** How many tasks the stress run submits. */
  protected int stressTasks() {
    return 100_000;
  }

  @Nested
  class Submit extends SubmitContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Batches extends BatchContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Waiting extends WaitContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Policies extends PolicyContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Bridging extends BridgingContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Lifecycle extends LifecycleContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
  }

  @Nested
  class Stress extends StressContract {
    @Override protected AsyncExecutorProvider provider() { return AsyncExecutorContract.this.provider(); }
    @Override protected boolean isSharedRuntimeThread(Thread t) { return AsyncExecutorContract.this.isSharedRuntimeThread(t); }
    @Override protected int stressTasks() { return AsyncExecutorContract.this.stressTasks(); }
  }
}
