// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import dev.corobridge.spi.ContextPropagation;
import dev.corobridge.spi.ContextPropagator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Where side effects wait for their unit of work to end well. Code enqueues {@link Intent}s into the
 * current {@link IntentScope}; the scope dispatches them when it ends well and drops them otherwise.
 *
 * <pre>{@code
 * Response handle(Request request) throws Exception {
 *   return Airlock.scoped(() -> {
 *     User user = users.create(request.email());
 *     Airlock.enqueue(Intent.named("sendMail").args(user.email(), "Welcome").build());
 *     return Response.created(user);      // returns normally: the mail goes out
 *   });                                    // throws: the mail is dropped
 * }
 * }</pre>
 *
 * <p><b>Scopes follow the work, not the thread.</b> The current scope is visible in tasks the code
 * submits to any {@link dev.corobridge.AsyncExecutor} from inside it (engines capture it at submit and
 * install it around the task), and in coroutines (use the {@code asContextElement()} of
 * {@code dev.corobridge.coroutines}); units of work on other threads never see it.
 *
 * <p><b>Configuration</b>, for scopes that choose nothing themselves: {@link #configure(Map)} or
 * {@link #configure(IntentExecutor, IntentPolicy, FlushMode)}, else the class named by the system
 * property {@value #EXECUTOR_PROPERTY}, else a {@code ServiceLoader} entry for {@link IntentExecutor},
 * else synchronous dispatch; policy {@link AllowAll}; {@link FlushMode#FAIL_FAST}.
 */
public final class Airlock {
  /** The system property naming an {@link IntentExecutor} class (public, with a no-argument constructor). */
  public static final String EXECUTOR_PROPERTY = "corobridge.intent.executor";

  private static final ThreadLocal<IntentScope> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<ArrayDeque<IntentPolicy>> LOCAL_POLICIES = ThreadLocal.withInitial(ArrayDeque::new);
  private static final ThreadLocal<Boolean> IN_POLICY = new ThreadLocal<>();
  private static final Set<String> SETTINGS = Set.of("executor", "policy", "flushMode", "scope");

  private static volatile IntentExecutor configuredExecutor;
  private static volatile IntentPolicy configuredPolicy;
  private static volatile FlushMode configuredFlushMode;
  private static volatile IntentExecutor discoveredExecutor;
  private static volatile IntentScopeFactory configuredScopes;

  /** Carries the current scope into tasks and coroutines. */
  private static final ContextPropagator<IntentScope> SCOPE_PROPAGATOR = new ContextPropagator<>() {
    @Override
    public IntentScope capture() {
      return CURRENT.get();
    }

    @Override
    public IntentScope install(IntentScope captured) {
      IntentScope previous = CURRENT.get();
      CURRENT.set(captured);
      return previous;
    }

    @Override
    public void uninstall(IntentScope previous) {
      setCurrent(previous);
    }
  };

  static {
    ContextPropagation.register(SCOPE_PROPAGATOR);
  }

  private Airlock() {}

  // ------------------------------------------------------------------------------------------ scopes

  /**
   * Opens a scope with the configured executor and policy, nested in the current one if there is one.
   *
   * @return the open scope; close it in a try-with-resources
   */
  public static IntentScope scope() {
    return open(newScope(null, null, null));
  }

  /**
   * Opens a scope dispatching through {@code executor}.
   *
   * @param executor the executor its intents are dispatched through
   * @return the open scope; close it in a try-with-resources
   */
  public static IntentScope scope(IntentExecutor executor) {
    return open(newScope(Checks.notNull(executor, "executor"), null, null));
  }

  /**
   * Opens a scope with the given executor, policy and flush mode ({@code null}: the default of each).
   *
   * @param executor the executor its intents are dispatched through, or {@code null}
   * @param policy the policy every intent must pass, or {@code null}
   * @param flushMode what a failing dispatch does to the rest of the flush, or {@code null}
   * @return the open scope; close it in a try-with-resources
   */
  public static IntentScope scope(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode) {
    return open(newScope(executor, policy, flushMode));
  }

  /** A new scope of the configured kind ({@link #configureScopes}), or a plain {@link IntentScope}. */
  private static IntentScope newScope(IntentExecutor executor, IntentPolicy policy, FlushMode flushMode) {
    IntentScopeFactory factory = configuredScopes;
    if (factory == null) return new IntentScope(executor, policy, flushMode);
    IntentScope scope = factory.create(executor, policy, flushMode);
    if (scope == null) throw new IllegalStateException("the configured IntentScopeFactory " + factory + " returned null");
    return scope;
  }

  /**
   * Opens {@code scope}, which has not been opened before (typically an instance of a subclass), as
   * the current scope of this unit of work.
   *
   * @param <S> the type of the scope
   * @param scope the scope to open
   * @return {@code scope}, now current
   * @throws ScopeStateException if it was opened before
   */
  public static <S extends IntentScope> S open(S scope) {
    Checks.notNull(scope, "scope");
    scope.open(CURRENT.get());
    CURRENT.set(scope);
    return scope;
  }

  /**
   * Runs {@code work} in a new scope: flushed if it returns, discarded if it throws (the exception is
   * rethrown). A flush failure is thrown as {@link IntentDispatchException}.
   *
   * @param <T> the type of the work's value
   * @param work the unit of work
   * @return what {@code work} returned
   * @throws Exception what {@code work} threw
   */
  public static <T extends @Nullable Object> T scoped(Callable<T> work) throws Exception {
    return scoped(newScope(null, null, null), work);
  }

  /**
   * Runs {@code work} in {@code scope} (new, typically a subclass), as {@link #scoped(Callable)} does.
   *
   * @param <T> the type of the work's value
   * @param scope the scope to run the work in, not opened before
   * @param work the unit of work
   * @return what {@code work} returned
   * @throws Exception what {@code work} threw
   */
  public static <T extends @Nullable Object> T scoped(IntentScope scope, Callable<T> work) throws Exception {
    Checks.notNull(work, "work");
    open(scope);
    T result;
    try {
      result = work.call();
    } catch (Throwable e) {
      try {
        scope.close(e);
      } catch (RuntimeException endFailure) {
        e.addSuppressed(endFailure);
      }
      throw e;
    }
    scope.complete();
    scope.close(null);
    return result;
  }

  /**
   * The current scope of this unit of work, if any.
   *
   * @return the current scope, or empty outside any scope
   */
  public static Optional<IntentScope> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Makes {@code scope} (or none, for {@code null}) current on this thread and returns the scope that
   * was. For integrations that install a scope around code running for its unit of work, such as a
   * coroutine context element; application code opens and closes scopes instead.
   *
   * @param scope the scope to make current, or {@code null} for none
   * @return the scope that was current, or {@code null}
   */
  public static @Nullable IntentScope swapCurrent(@Nullable IntentScope scope) {
    IntentScope previous = CURRENT.get();
    setCurrent(scope);
    return previous;
  }

  static void restoreCurrent(IntentScope closing, IntentScope previous) {
    if (CURRENT.get() == closing) setCurrent(previous);
  }

  private static void setCurrent(IntentScope scope) {
    if (scope == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(scope);
    }
  }

  // ------------------------------------------------------------------------------------------ enqueueing

  /**
   * Buffers {@code intent} in the current scope, after the scope's policy and the local policies in
   * force ({@link #policy}) have seen it, in that order; the intent carries the local policies with it.
   *
   * @param intent the side effect to dispatch when the scope ends well
   * @throws NoScopeException          if no scope is open for this unit of work
   * @throws PolicyViolationException  if a policy refuses the intent
   * @throws PolicyEnqueueException    if called from inside a policy callback
   * @throws ScopeStateException       if the current scope has ended
   * @throws IllegalArgumentException  if the executor of this scope or of one it is nested in could not dispatch
   *                                   the intent ({@link IntentExecutor#validate}): an argument that does not encode, say
   */
  public static void enqueue(Intent intent) {
    Checks.notNull(intent, "intent");
    if (IN_POLICY.get() != null) {
      throw new PolicyEnqueueException("cannot enqueue " + intent + " from inside a policy callback: policies decide about intents, they do not create them");
    }
    IntentScope scope = CURRENT.get();
    if (scope == null) {
      throw new NoScopeException("cannot enqueue " + intent + ": no intent scope is open for this unit of work; "
          + "wrap it in Airlock.scoped(...) or try (IntentScope scope = Airlock.scope()) { ... scope.complete(); }");
    }
    List<IntentPolicy> locals = new ArrayList<>();
    LOCAL_POLICIES.get().descendingIterator().forEachRemaining(locals::add); // outermost first
    Intent recorded = locals.isEmpty() ? intent : intent.withPolicies(locals);
    onEnqueue(scope.policy(), recorded);
    for (IntentPolicy local : locals) {
      onEnqueue(local, recorded);
    }
    for (IntentScope dispatcher = scope; dispatcher != null; dispatcher = dispatcher.parent()) {
      dispatcher.executor().validate(recorded); // any scope it may reach could dispatch it
    }
    scope.add(recorded);
  }

  /**
   * Enqueues an intent run by the handler registered for {@code name}, with positional arguments.
   *
   * @param name the name a handler is registered under
   * @param args the positional arguments
   */
  public static void enqueue(String name, @Nullable Object... args) {
    enqueue(Intent.named(name).args(args).build());
  }

  private static void onEnqueue(IntentPolicy policy, Intent intent) {
    IN_POLICY.set(Boolean.TRUE);
    try {
      policy.onEnqueue(intent);
    } finally {
      IN_POLICY.remove();
    }
  }

  static boolean allows(IntentPolicy policy, Intent intent) {
    IN_POLICY.set(Boolean.TRUE);
    try {
      return policy.allows(intent);
    } finally {
      IN_POLICY.remove();
    }
  }

  // ------------------------------------------------------------------------------------------ local policies

  /**
   * Pushes {@code policy} for the block: intents enqueued on this thread until the returned handle is
   * closed are checked by it at enqueue and carry it to their dispatch.
   *
   * <pre>{@code
   * try (var noMail = Airlock.policy(new BlockTasks("sendMail"))) {
   *   importer.run();   // its mails are dropped, its other intents go out
   * }
   * }</pre>
   *
   * @param policy the policy in force until the handle is closed
   * @return the handle that ends the policy
   */
  public static PolicyBlock policy(IntentPolicy policy) {
    Checks.notNull(policy, "policy");
    ArrayDeque<IntentPolicy> stack = LOCAL_POLICIES.get();
    stack.push(policy);
    return new PolicyBlock(stack, policy);
  }

  /** A local policy in force until {@link #close()}. */
  public static final class PolicyBlock implements AutoCloseable {
    private final ArrayDeque<IntentPolicy> stack;
    private final IntentPolicy policy;
    private boolean closed;

    private PolicyBlock(ArrayDeque<IntentPolicy> stack, IntentPolicy policy) {
      this.stack = stack;
      this.policy = policy;
    }

    /**
     * Ends the local policy.
     *
     * @throws IllegalStateException if a policy pushed after it is still in force (blocks must nest)
     */
    @Override
    public void close() {
      if (closed) return;
      if (stack.peek() != policy) throw new IllegalStateException("local policies must be closed in reverse order: " + stack.peek() + " is still in force");
      stack.pop();
      closed = true;
    }
  }

  // ------------------------------------------------------------------------------------------ configuration

  /**
   * Sets the defaults of scopes that choose nothing themselves; {@code null} leaves one unchanged.
   * Takes precedence over the system property and {@code ServiceLoader}.
   *
   * @param executor the default executor, or {@code null} to keep it
   * @param policy the default policy, or {@code null} to keep it
   * @param flushMode the default flush mode, or {@code null} to keep it
   */
  public static void configure(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode) {
    if (executor != null) configuredExecutor = executor;
    if (policy != null) configuredPolicy = policy;
    if (flushMode != null) configuredFlushMode = flushMode;
  }

  /**
   * Sets the defaults from text settings, as read from a configuration file: {@code executor} and
   * {@code policy} name classes with public no-argument constructors, {@code flushMode} is
   * {@code FAIL_FAST} or {@code ROBUST}, {@code scope} names a subclass of {@link IntentScope} with a public
   * {@code (IntentExecutor, IntentPolicy, FlushMode)} constructor that {@link #scope()} and its siblings then
   * open (see {@link #configureScopes}). Nothing is set unless every setting is valid.
   *
   * @param settings the settings by key: {@code executor}, {@code policy}, {@code flushMode}, {@code scope}
   * @throws IllegalArgumentException naming the keys or the class, for unknown keys (all of them), a class
   *                                  that cannot be found or created, or an unknown flush mode
   */
  public static void configure(Map<String, String> settings) {
    Checks.notNull(settings, "settings");
    java.util.SortedSet<String> unknown = new java.util.TreeSet<>(settings.keySet());
    unknown.removeAll(SETTINGS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown intent setting" + (unknown.size() > 1 ? "s " : " ") + unknown
          + "; known settings are " + new java.util.TreeSet<>(SETTINGS));
    }
    IntentScopeFactory scopes = settings.containsKey("scope") ? scopeClass(settings.get("scope")) : null;
    IntentExecutor executor = settings.containsKey("executor") ? instantiate(settings.get("executor"), IntentExecutor.class, "executor") : null;
    IntentPolicy policy = settings.containsKey("policy") ? instantiate(settings.get("policy"), IntentPolicy.class, "policy") : null;
    FlushMode mode = null;
    if (settings.containsKey("flushMode")) {
      String value = settings.get("flushMode");
      try {
        mode = FlushMode.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("setting flushMode must be FAIL_FAST or ROBUST, was " + value);
      }
    }
    configure(executor, policy, mode);
    if (scopes != null) configureScopes(scopes);
  }

  /**
   * Sets what {@link #scope()} and its siblings, and {@link #scoped(Callable)}, open: scopes made by
   * {@code factory} (airlock's default scope class), typically a subclass bound to transactions. Scopes
   * opened with {@link #open} or {@link #scoped(IntentScope, Callable)} are the caller's own and unaffected.
   *
   * @param factory what makes the scopes, or {@code null} for plain {@link IntentScope}s
   */
  public static void configureScopes(@Nullable IntentScopeFactory factory) {
    configuredScopes = factory;
  }

  /** The factory of a scope class named in the settings: its public (IntentExecutor, IntentPolicy, FlushMode) constructor. */
  private static IntentScopeFactory scopeClass(String className) {
    Class<? extends IntentScope> type = load(className, IntentScope.class, "scope");
    java.lang.reflect.Constructor<? extends IntentScope> constructor;
    try {
      constructor = type.getConstructor(IntentExecutor.class, IntentPolicy.class, FlushMode.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("scope names class " + className
          + ", which has no public constructor (IntentExecutor, IntentPolicy, FlushMode)", e);
    }
    return new IntentScopeFactory() {
      @Override
      public IntentScope create(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode) {
        try {
          return constructor.newInstance(executor, policy, flushMode);
        } catch (java.lang.reflect.InvocationTargetException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) throw runtime;
          if (cause instanceof Error error) throw error;
          throw new IllegalStateException("cannot make a " + className, cause);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot make a " + className, e);
        }
      }

      @Override
      public String toString() {
        return className + "::new";
      }
    };
  }

  /** Forgets {@link #configure} and reads the system property and {@code ServiceLoader} again. */
  public static void resetConfiguration() {
    configuredExecutor = null;
    configuredPolicy = null;
    configuredFlushMode = null;
    discoveredExecutor = null;
    configuredScopes = null;
  }

  static IntentExecutor configuredExecutor() {
    IntentExecutor executor = configuredExecutor;
    if (executor != null) return executor;
    executor = discoveredExecutor;
    if (executor == null) discoveredExecutor = executor = discoverExecutor();
    return executor;
  }

  static IntentPolicy configuredPolicy() {
    IntentPolicy policy = configuredPolicy;
    return policy != null ? policy : new AllowAll();
  }

  static FlushMode configuredFlushMode() {
    FlushMode mode = configuredFlushMode;
    return mode != null ? mode : FlushMode.FAIL_FAST;
  }

  private static IntentExecutor discoverExecutor() {
    String named = System.getProperty(EXECUTOR_PROPERTY);
    if (named != null) return instantiate(named, IntentExecutor.class, "system property " + EXECUTOR_PROPERTY);
    Iterator<IntentExecutor> found = ServiceLoader.load(IntentExecutor.class, Airlock.class.getClassLoader()).iterator();
    return found.hasNext() ? found.next() : IntentExecutors.synchronous();
  }

  private static <T> T instantiate(String className, Class<T> type, String setting) {
    Class<? extends T> found = load(className, type, setting);
    try {
      return found.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(setting + " names class " + className + ", which has no public no-argument constructor that works", e);
    }
  }

  private static <T> Class<? extends T> load(String className, Class<T> type, String setting) {
    if (className == null || className.isBlank()) throw new IllegalArgumentException(setting + " must name a class, was \"" + className + "\"");
    Class<?> found;
    try {
      found = Class.forName(className.trim(), true, Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : Airlock.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(setting + " names class " + className + ", which is not on the class path", e);
    }
    if (!type.isAssignableFrom(found)) {
      throw new IllegalArgumentException(setting + " names class " + className + ", which is not a " + type.getName());
    }
    return found.asSubclass(type);
  }
}
