// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.runtime.ManualExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The built-in executors with their dispatch options, flush failure modes, and how the executor is chosen. */
class IntentExecutorsTest {
  private final Recorder recorder = new Recorder();

  @AfterEach
  void resetConfiguration() {
    System.clearProperty(Airlock.EXECUTOR_PROPERTY);
    Airlock.resetConfiguration();
  }

  private static void await(CompletableFuture<?> done) throws Exception {
    done.get(20, TimeUnit.SECONDS);
  }

  @Test
  void synchronousDispatchRunsOnTheFlushingThread() {
    List<Thread> ran = new ArrayList<>();
    try (IntentScope scope = Airlock.scope(IntentExecutors.synchronous())) {
      Airlock.enqueue(Intent.of("where", intent -> ran.add(Thread.currentThread())).build());
      scope.complete();
    }
    assertEquals(List.of(Thread.currentThread()), ran);
  }

  @Test
  void anExecutorRunsEachIntentOnItsThreadsAfterItsDelay() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "intent-pool"));
    try {
      CompletableFuture<String> ranOn = new CompletableFuture<>();
      long[] ranAt = new long[1];
      long flushedAt;
      try (IntentScope scope = Airlock.scope(IntentExecutors.on(pool))) {
        Airlock.enqueue(Intent.of("later", intent -> {
          ranAt[0] = System.nanoTime();
          ranOn.complete(Thread.currentThread().getName());
        }).option(Intent.DELAY, Duration.ofMillis(20)).build());
        scope.complete();
        flushedAt = System.nanoTime();
      }
      assertEquals("intent-pool", ranOn.get(20, TimeUnit.SECONDS));
      assertTrue(ranAt[0] - flushedAt >= Duration.ofMillis(20).toNanos() - Duration.ofMillis(1).toNanos(),
          "it ran no earlier than its delay after the flush");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anAsyncExecutorTakesLaneRetryAndTimeoutFromTheDispatchOptions() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("intents").maxWorkers(4).lane("mail", 1).build()) {
      AtomicInteger attempts = new AtomicInteger();
      CompletableFuture<String> lane = new CompletableFuture<>();
      CompletableFuture<Void> sent = new CompletableFuture<>();
      try (IntentScope scope = Airlock.scope(IntentExecutors.on(executor))) {
        Airlock.enqueue(Intent.of("sendMail", intent -> {
          lane.complete(Thread.currentThread().getName());
          if (attempts.incrementAndGet() < 3) throw new IOException("smtp down");
          sent.complete(null);
        }).option(Intent.QUEUE, "mail").option(IntentExecutors.RETRY, RetryPolicy.exponential(3, Duration.ZERO)).build());
        Airlock.enqueue(Intent.of("slow", intent -> Thread.sleep(60_000)).option(IntentExecutors.TIMEOUT, Duration.ofMillis(10)).build());
        scope.complete();
      }
      await(sent);
      assertEquals(3, attempts.get(), "retried under the intent's retry policy");
      assertTrue(lane.join().startsWith("intents-"), lane.join());
      executor.close(); // waits for the slow intent, which its timeout ends
      assertEquals(1, executor.stats().failed(), "the slow intent timed out");
      assertEquals(2, executor.stats().retried());
    }
  }

  /** Flushes {@code priorities} as intents that record their priority, while the executor's only worker is busy. */
  private static List<Integer> runOrderBehindABusyWorker(IntentExecutor executor, int... priorities) throws Exception {
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch allRan = new CountDownLatch(priorities.length);
    try (IntentScope scope = Airlock.scope(executor)) {
      Airlock.enqueue(Intent.of("blocker", intent -> {
        blocking.countDown();
        release.await();
      }).build());
      scope.complete();
    }
    assertTrue(blocking.await(20, TimeUnit.SECONDS));
    try (IntentScope scope = Airlock.scope(executor)) {
      for (int priority : priorities) {
        Airlock.enqueue(Intent.of("p" + priority, intent -> {
          ran.add(intent.priority().orElse(0));
          allRan.countDown();
        }).option(Intent.PRIORITY, priority).build());
      }
      scope.complete();
    }
    release.countDown();
    assertTrue(allRan.await(20, TimeUnit.SECONDS));
    return ran;
  }

  @Test
  void intentsOfHigherPriorityOvertakeThoseWaitingForABusyAsyncExecutor() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(1)) {
      assertEquals(List.of(9, 5, 5, 3, 1, 0), runOrderBehindABusyWorker(IntentExecutors.on(executor), 1, 5, 3, 9, 5, 0));
    }
  }

  @Test
  void intentsOfHigherPriorityOvertakeThoseWaitingForABusyPlainExecutor() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "intent-pool"));
    try {
      assertEquals(List.of(9, 5, 5, 3, 1, 0), runOrderBehindABusyWorker(IntentExecutors.on(pool), 1, 5, 3, 9, 5, 0));
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void underContentionEveryAcceptedIntentRunsExactlyOnceAndEveryRefusedOneNeverWhateverItsPriorityAndLane() throws Exception {
    int threads = 4;
    int perThread = 1_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
    Set<Integer> refused = ConcurrentHashMap.newKeySet();
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(3).lane("mail", 1).queueCapacity(500).build()) {
      IntentExecutor intents = IntentExecutors.on(executor);
      ExecutorService dispatchers = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * perThread;
        done.add(dispatchers.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = first; i < first + perThread; i++) {
            int id = i;
            Intent.Builder intent = Intent.of("count", x -> runs.incrementAndGet(id)).option(Intent.PRIORITY, random.nextInt(5));
            if (random.nextBoolean()) intent.option(Intent.QUEUE, "mail");
            try {
              intents.dispatch(intent.build());
            } catch (OutOfResourcesException full) { // more intents than the executor's queue holds
              refused.add(id);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) f.get(20, TimeUnit.SECONDS);
      dispatchers.shutdown();
      executor.close();
    }
    for (int i = 0; i < runs.length(); i++) assertEquals(refused.contains(i) ? 0 : 1, runs.get(i), "intent " + i);
  }

  @Test
  void delaysAreTimedByTheGivenTimerSoVirtualTimeApplies() {
    ManualExecutor manual = ManualExecutor.create(2);
    IntentTimer virtual = (delay, action) -> manual.delay(delay).thenRun(action);
    try (IntentScope scope = Airlock.scope(IntentExecutors.on(manual, virtual))) {
      Airlock.enqueue(Intent.of("remind", intent -> recorder.ran.add("remind")).option(Intent.DELAY, Duration.ofHours(24)).build());
      scope.complete();
    }
    manual.advanceTimeBy(Duration.ofHours(23));
    assertEquals(List.of(), recorder.ran, "a day has not passed");
    manual.advanceTimeBy(Duration.ofHours(1));
    manual.runUntilIdle();
    assertEquals(List.of("remind"), recorder.ran);
    manual.close();
  }

  @Test
  void aPlainExecutorRetriesAFailedIntentAsItsPolicySaysWithTheBackOffTimedByTheTimer() throws Exception {
    List<Duration> backOffs = new CopyOnWriteArrayList<>();
    IntentTimer recording = (delay, action) -> {
      backOffs.add(delay);
      action.run();
    };
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Integer> sent = new CompletableFuture<>();
    ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "intent-pool"));
    try {
      try (IntentScope scope = Airlock.scope(IntentExecutors.on(pool, recording))) {
        Airlock.enqueue(Intent.of("sendMail", intent -> {
          if (attempts.incrementAndGet() < 3) throw new IOException("smtp down");
          sent.complete(attempts.get());
        }).option(Intent.RETRY, RetryPolicy.exponential(5, Duration.ofMillis(100))).build());
        scope.complete();
      }
      assertEquals(3, sent.get(20, TimeUnit.SECONDS));
      assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), backOffs);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void oneAttemptRunsOnTheIntentsLaneUnderItsTimeoutAndFailsWithTheHandlersOwnException() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("attempts").maxWorkers(2).lane("mail", 1).build()) {
      List<String> threads = new CopyOnWriteArrayList<>();
      IntentExecutors.runAttempt(executor, Intent.of("where", intent -> threads.add(Thread.currentThread().getName()))
          .option(Intent.QUEUE, "mail").build());
      assertTrue(threads.get(0).startsWith("attempts"), threads.toString());
      IOException down = new IOException("smtp down");
      AtomicInteger calls = new AtomicInteger();
      Intent failing = Intent.of("failing", intent -> {
        calls.incrementAndGet();
        throw down;
      }).option(Intent.RETRY, RetryPolicy.exponential(3, Duration.ZERO)).build();
      assertSame(down, assertThrows(IOException.class, () -> IntentExecutors.runAttempt(executor, failing)));
      assertEquals(1, calls.get(), "one attempt: the retries are the caller's");
      assertThrows(java.util.concurrent.TimeoutException.class, () -> IntentExecutors.runAttempt(executor,
          Intent.of("slow", intent -> Thread.sleep(60_000)).option(Intent.TIMEOUT, Duration.ofMillis(50)).build()));
      assertThrows(IllegalArgumentException.class, () -> IntentExecutors.runAttempt(executor,
          Intent.named("x").option(Intent.QUEUE, "no-such-lane").build()));
    }
  }

  @Test
  void anIntentRefusedWhenItsDelayIsOverIsLoggedNotLost() {
    List<Runnable> dueLater = new ArrayList<>();
    IntentTimer later = (delay, action) -> dueLater.add(action);
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.corobridge.intent");
    List<String> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    log.addHandler(capture);
    try {
      AsyncExecutor executor = AsyncExecutor.create(1);
      try (IntentScope scope = Airlock.scope(IntentExecutors.on(executor, later))) {
        Airlock.enqueue(recorder.effect("remind").withOption(Intent.DELAY, Duration.ofHours(1)));
        scope.complete();
      }
      executor.close(); // shut down before the hour is over
      dueLater.forEach(Runnable::run); // must not throw on the timer's thread
      assertEquals(List.of(), recorder.ran);
      assertTrue(logged.stream().anyMatch(m -> m.contains("remind() was not run: the executor refused it after its delay")), logged.toString());
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void anUnknownLaneIsAFailedDispatch() {
    try (AsyncExecutor executor = AsyncExecutor.create(1)) {
      IntentScope scope = Airlock.scope(IntentExecutors.on(executor));
      Airlock.enqueue(recorder.effect("x"));
      Airlock.enqueue(Intent.named("nowhere").option(Intent.QUEUE, "missing-lane").build());
      IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::flush);
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertEquals("nowhere", e.failedIntents().get(0).name());
      scope.close();
    }
  }

  @Test
  void aDryRunRecordsAndRunsNothing() {
    IntentExecutors.DryRun dryRun = IntentExecutors.dryRun();
    try (IntentScope scope = Airlock.scope(dryRun)) {
      Airlock.enqueue(recorder.effect("sendMail", "a@b"));
      scope.complete();
    }
    assertEquals("[sendMail(\"a@b\")]", dryRun.dispatched().toString());
    assertEquals(List.of(), recorder.ran);
  }

  @Test
  void aScopeSubclassCanDeferTheFlushUntilATransactionCommits() {
    List<Runnable> afterCommit = new ArrayList<>();
    class TransactionalScope extends IntentScope {
      @Override
      protected void scheduleFlush(Runnable dispatch) {
        afterCommit.add(dispatch);
      }

      @Override
      protected IntentExecutor defaultExecutor() {
        return recorder;
      }
    }
    try (TransactionalScope scope = Airlock.open(new TransactionalScope())) {
      Airlock.enqueue(recorder.effect("sendMail"));
      scope.complete();
    }
    assertEquals(List.of(), recorder.ran, "nothing before the commit");
    afterCommit.forEach(Runnable::run);
    assertEquals(List.of("sendMail()"), recorder.ran);
  }

  @Test
  void failFastStopsAtTheFirstFailedDispatch() {
    IOException smtp = new IOException("smtp down");
    IntentScope scope = Airlock.scope(recorder, null, FlushMode.FAIL_FAST);
    Airlock.enqueue(recorder.effect("a"));
    Airlock.enqueue(Intent.of("b", intent -> { throw smtp; }).build());
    Airlock.enqueue(recorder.effect("c"));
    IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::flush);
    scope.close();
    assertSame(smtp, e.getCause());
    assertEquals(List.of("a()"), recorder.ran, "c was not dispatched");
  }

  @Test
  void robustDispatchesTheRestAndReportsEveryFailureTogether() {
    IOException first = new IOException("first");
    IOException second = new IOException("second");
    IntentScope scope = Airlock.scope(recorder, null, FlushMode.ROBUST);
    Airlock.enqueue(Intent.of("b", intent -> { throw first; }).build());
    Airlock.enqueue(recorder.effect("a"));
    Airlock.enqueue(Intent.of("d", intent -> { throw second; }).build());
    Airlock.enqueue(recorder.effect("c"));
    IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::flush);
    scope.close();
    assertEquals(List.of("a()", "c()"), recorder.ran);
    assertSame(first, e.getCause());
    assertSame(second, e.getSuppressed()[0]);
    assertEquals(List.of("b", "d"), e.failedIntents().stream().map(Intent::name).toList());
  }

  /** Named by configuration in the tests below; needs a public no-argument constructor. */
  public static final class Counting implements IntentExecutor {
    static final List<String> DISPATCHED = new CopyOnWriteArrayList<>();

    @Override
    public void dispatch(Intent intent) {
      DISPATCHED.add(intent.name());
    }
  }

  @Test
  void theExecutorIsChosenByArgumentThenSubclassThenConfigurationThenSystemPropertyThenSynchronous() {
    Counting.DISPATCHED.clear();
    IntentExecutors.DryRun configured = IntentExecutors.dryRun();
    IntentExecutors.DryRun subclassDefault = IntentExecutors.dryRun();
    IntentExecutors.DryRun argument = IntentExecutors.dryRun();
    class WithDefault extends IntentScope {
      WithDefault(IntentExecutor executor) {
        super(executor, null, null);
      }

      @Override
      protected IntentExecutor defaultExecutor() {
        return subclassDefault;
      }
    }
    System.setProperty(Airlock.EXECUTOR_PROPERTY, Counting.class.getName());
    Airlock.resetConfiguration();
    assertInstanceOf(Counting.class, scopeExecutor(new IntentScope()), "the system property");
    Airlock.configure(configured, null, null);
    assertSame(configured, scopeExecutor(new IntentScope()), "configure() beats the system property");
    assertSame(subclassDefault, scopeExecutor(new WithDefault(null)), "a subclass default beats configure()");
    assertSame(argument, scopeExecutor(new WithDefault(argument)), "an argument beats everything");
    System.clearProperty(Airlock.EXECUTOR_PROPERTY);
    Airlock.resetConfiguration();
    IntentScope plain = Airlock.scope();
    Airlock.enqueue(recorder.effect("sync"));
    plain.flush();
    plain.close();
    assertEquals(List.of("sync()"), recorder.ran, "with nothing configured: synchronous");
  }

  private static IntentExecutor scopeExecutor(IntentScope scope) {
    try (IntentScope opened = Airlock.open(scope)) {
      opened.complete();
      return opened.executor();
    }
  }

  @Test
  void textSettingsAreCheckedWhenConfigured() {
    Airlock.configure(Map.of("executor", Counting.class.getName(), "policy", DropAll.class.getName(), "flushMode", "robust"));
    try (IntentScope scope = Airlock.scope()) {
      assertInstanceOf(Counting.class, scope.executor());
      assertInstanceOf(DropAll.class, scope.policy());
      scope.complete();
    }
    IllegalArgumentException unknownKey = assertThrows(IllegalArgumentException.class, () -> Airlock.configure(Map.of("exector", "x")));
    assertTrue(unknownKey.getMessage().contains("exector") && unknownKey.getMessage().contains("executor"), unknownKey.getMessage());
    IllegalArgumentException unknownClass = assertThrows(IllegalArgumentException.class,
        () -> Airlock.configure(Map.of("executor", "com.example.Missing")));
    assertTrue(unknownClass.getMessage().contains("com.example.Missing"), unknownClass.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Airlock.configure(Map.of("executor", String.class.getName())));
    assertThrows(IllegalArgumentException.class, () -> Airlock.configure(Map.of("flushMode", "sometimes")));
  }

  @Test
  void anUnknownSettingsErrorNamesEveryUnknownKeyAndSetsNothing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Airlock.configure(Map.of("exector", "x", "polcy", "y", "flushMode", "robust")));
    assertTrue(e.getMessage().contains("exector") && e.getMessage().contains("polcy"), e.getMessage());
    try (IntentScope scope = Airlock.scope(recorder)) {
      scope.complete();
    }
    assertEquals(FlushMode.FAIL_FAST, Airlock.configuredFlushMode(), "nothing was set");
  }

  /** A scope class an application names as its default: a public (executor, policy, flush mode) constructor. */
  public static final class AuditedScope extends IntentScope {
    public AuditedScope(IntentExecutor executor, IntentPolicy policy, FlushMode flushMode) {
      super(executor, policy, flushMode);
    }
  }

  @Test
  void aDefaultScopeClassMakesEveryScopeAirlockOpensForTheApplication() throws Exception {
    Airlock.configure(Map.of("scope", AuditedScope.class.getName()));
    try (IntentScope scope = Airlock.scope()) {
      assertInstanceOf(AuditedScope.class, scope);
      scope.complete();
    }
    try (IntentScope scope = Airlock.scope(recorder)) {
      assertInstanceOf(AuditedScope.class, scope);
      assertSame(recorder, scope.executor(), "the arguments reach the configured class");
      scope.complete();
    }
    assertInstanceOf(AuditedScope.class, Airlock.scoped(() -> Airlock.current().orElseThrow()));
    Airlock.configureScopes((executor, policy, flushMode) -> new IntentScope(recorder, new DropAll(), flushMode));
    try (IntentScope scope = Airlock.scope()) {
      assertInstanceOf(DropAll.class, scope.policy(), "a factory of the application's own");
      scope.complete();
    }
    IllegalArgumentException noConstructor = assertThrows(IllegalArgumentException.class,
        () -> Airlock.configure(Map.of("scope", IntentScope.class.getName() + "$Missing")));
    assertTrue(noConstructor.getMessage().contains("scope"), noConstructor.getMessage());
    IllegalArgumentException notAScope = assertThrows(IllegalArgumentException.class,
        () -> Airlock.configure(Map.of("scope", String.class.getName())));
    assertTrue(notAScope.getMessage().contains("IntentScope"), notAScope.getMessage());
    Airlock.resetConfiguration();
    try (IntentScope scope = Airlock.scope()) {
      assertEquals(IntentScope.class, scope.getClass(), "reset: plain scopes again");
      scope.complete();
    }
  }

  @Test
  void aSystemPropertyNamingAMissingClassFailsClearlyAtTheFirstScope() {
    System.setProperty(Airlock.EXECUTOR_PROPERTY, "com.example.NoSuchExecutor");
    Airlock.resetConfiguration();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Airlock::scope);
    assertTrue(e.getMessage().contains(Airlock.EXECUTOR_PROPERTY) && e.getMessage().contains("com.example.NoSuchExecutor"), e.getMessage());
    assertEquals(java.util.Optional.empty(), Airlock.current(), "no scope was left open");
  }
}
