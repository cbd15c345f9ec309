// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.RetryPolicy;
import dev.corobridge.internal.Checks;
import java.lang.invoke.SerializedLambda;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A side effect to perform later: a name, positional and named arguments, where it was enqueued, how
 * to dispatch it (delay, queue, priority, ...), the local policies in force when it was enqueued, and
 * what runs it. Immutable.
 *
 * <p>What runs it is either a local {@link IntentTask} (a method reference, which also names the
 * intent) or nothing but the name, resolved through {@link IntentHandlers} when it is dispatched. The
 * second form is what an executor that runs intents elsewhere needs: it sends the name and arguments
 * (which should serialize to JSON: strings, numbers, booleans, lists, maps), never code.
 *
 * <pre>{@code
 * Intent mail = Intent.named("sendMail").args("a@b.example", "Welcome").arg("retries", 2).build();
 * mail.toString();  // sendMail("a@b.example", "Welcome", retries=2)
 *
 * Intent audit = Intent.of(Audit::record).args(userId).option(Intent.QUEUE, "audit").build();  // named "record"
 * }</pre>
 */
public final class Intent {
  /** Dispatch option: a {@link Duration} ({@code >= 0}) to wait before running the intent. */
  public static final String DELAY = "delay";
  /** Dispatch option: the name of the queue (or lane) to run it on. */
  public static final String QUEUE = "queue";
  /** Dispatch option: an {@link Integer} priority, higher first, where the executor supports it. */
  public static final String PRIORITY = "priority";
  /**
   * Dispatch option: a {@link RetryPolicy} for the intent's task, where the executor runs it (readable
   * through the policy's getters, so an executor can translate it to its own retries).
   */
  public static final String RETRY = "retry";
  /** Dispatch option: a positive {@link Duration} bounding the intent's task, where the executor runs it. */
  public static final String TIMEOUT = "timeout";
  /**
   * Dispatch option: a String that identifies the intent's effect (an idempotency key). A job engine stores at
   * most one intent of a key, so enqueueing it again is a no-op, and hands the key to the handler, which can make
   * its effect happen once (an insert keyed by it, a payment request carrying it). Executors that need a key
   * make one up when none is given.
   */
  public static final String KEY = "key";
  /**
   * Set by executors that try an intent more than once, on the intent its handler receives: the number of this
   * attempt, from 1 (an Integer).
   */
  public static final String ATTEMPT = "attempt";

  private final String name;
  private final List<@Nullable Object> args;
  private final Map<String, @Nullable Object> namedArgs;
  private final String origin;
  private final Map<String, Object> options;
  private final List<IntentPolicy> policies;
  private final IntentTask task;

  private Intent(String name, List<@Nullable Object> args, Map<String, @Nullable Object> namedArgs, String origin, Map<String, Object> options,
                 List<IntentPolicy> policies, IntentTask task) {
    this.name = name;
    this.args = args;
    this.namedArgs = namedArgs;
    this.origin = origin;
    this.options = options;
    this.policies = policies;
    this.task = task;
  }

  /**
   * Starts an intent that runs the handler registered for {@code name} in {@link IntentHandlers}.
   *
   * @param name the name a handler is registered under
   * @return a builder of the intent
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder named(String name) {
    return new Builder(Checks.notNull(name, "name"), null);
  }

  /**
   * Starts an intent that runs {@code task} locally, named after it: a method reference
   * {@code Mailer::sendMail} is {@code sendMail}, a class {@code SendMail} is {@code sendMail}.
   *
   * @param task a method reference, whose name becomes the intent's
   * @return a builder of the intent
   * @throws IllegalArgumentException if {@code task} is a lambda, which has no name: use {@link #of(String, IntentTask)}
   */
  public static Builder of(IntentTask task) {
    return new Builder(nameOf(Checks.notNull(task, "task")), task);
  }

  /**
   * Starts an intent named {@code name} that runs {@code task} locally.
   *
   * @param name the intent's name
   * @param task the work the intent runs
   * @return a builder of the intent
   */
  public static Builder of(String name, IntentTask task) {
    return new Builder(Checks.notNull(name, "name"), Checks.notNull(task, "task"));
  }

  /**
   * The intent's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The positional arguments; unmodifiable.
   *
   * @return the positional arguments, unmodifiable
   */
  public List<@Nullable Object> args() {
    return args;
  }

  /**
   * Positional argument {@code index}.
   *
   * @param index the position, from 0
   * @return the argument at that position
   * @throws IndexOutOfBoundsException if there is no such argument
   */
  public @Nullable Object arg(int index) {
    return args.get(index);
  }

  /**
   * The named arguments, in the order given; unmodifiable.
   *
   * @return the named arguments, unmodifiable
   */
  public Map<String, @Nullable Object> namedArgs() {
    return namedArgs;
  }

  /**
   * Named argument {@code name}, if given.
   *
   * @param name the argument's name
   * @return the argument, or empty if there is none of that name
   */
  public Optional<Object> arg(String name) {
    return Optional.ofNullable(namedArgs.get(name));
  }

  /**
   * Where the intent was enqueued: given by the builder, else the class and method that built it.
   *
   * @return where the intent was enqueued
   */
  public String origin() {
    return origin;
  }

  /**
   * The dispatch options ({@link #DELAY}, {@link #QUEUE}, {@link #PRIORITY}, ...); unmodifiable.
   *
   * @return the options, unmodifiable
   */
  public Map<String, Object> options() {
    return options;
  }

  /**
   * The {@link #DELAY} option.
   *
   * @return the delay, or empty for none
   */
  public Optional<Duration> delay() {
    return Optional.ofNullable((Duration) options.get(DELAY));
  }

  /**
   * The {@link #QUEUE} option.
   *
   * @return the queue, or empty for the default
   */
  public Optional<String> queue() {
    return Optional.ofNullable((String) options.get(QUEUE));
  }

  /**
   * The {@link #PRIORITY} option.
   *
   * @return the priority, or empty for the default
   */
  public Optional<Integer> priority() {
    return Optional.ofNullable((Integer) options.get(PRIORITY));
  }

  /**
   * The {@link #RETRY} option.
   *
   * @return the retry policy, or empty for the executor's default
   */
  public Optional<RetryPolicy> retry() {
    return Optional.ofNullable((RetryPolicy) options.get(RETRY));
  }

  /**
   * The {@link #TIMEOUT} option.
   *
   * @return the timeout, or empty for none
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable((Duration) options.get(TIMEOUT));
  }

  /**
   * The {@link #KEY} option.
   *
   * @return the idempotency key, or empty if none was given
   */
  public Optional<String> key() {
    return Optional.ofNullable((String) options.get(KEY));
  }

  /**
   * The {@link #ATTEMPT} option: which attempt at the intent this is.
   *
   * @return the attempt number, from 1; 1 where the executor does not count attempts
   */
  public int attempt() {
    Object attempt = options.get(ATTEMPT);
    return attempt == null ? 1 : (Integer) attempt;
  }

  /**
   * A copy of this intent with the dispatch option {@code key} set to {@code value}, checked as
   * {@link Builder#option} checks it: for executors that add what they know ({@link #KEY}, {@link #ATTEMPT}).
   *
   * @param key the option's key
   * @param value the option's value
   * @return the copy
   * @throws IllegalArgumentException if a known option has a value of the wrong kind
   */
  public Intent withOption(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(options);
    copy.put(key, Builder.checkedOption(key, value));
    return new Intent(name, args, namedArgs, origin, Collections.unmodifiableMap(copy), policies, task);
  }

  /**
   * The local policies that were in force when the intent was enqueued, outermost first; unmodifiable.
   *
   * @return the local policies the intent carries, unmodifiable
   */
  public List<IntentPolicy> policies() {
    return policies;
  }

  /**
   * Whether it runs local code, rather than a handler found by name.
   *
   * @return whether the intent runs code in this process rather than a registered handler
   */
  public boolean isLocal() {
    return task != null;
  }

  /** A copy carrying {@code policies} (Airlock records the local policies in force at enqueue). */
  Intent withPolicies(List<IntentPolicy> policies) {
    return new Intent(name, args, namedArgs, origin, options, List.copyOf(policies), task);
  }

  /**
   * Runs the side effect now, on this thread: the local task, else the handler registered for the name.
   * Executors call this; application code enqueues instead.
   *
   * @throws IllegalStateException if no handler is registered for the name
   * @throws Exception             what the task or handler threw
   */
  public void run() throws Exception {
    if (task != null) {
      task.run(this);
      return;
    }
    IntentHandler handler = IntentHandlers.find(name).orElseThrow(() ->
        new IllegalStateException("no handler is registered for intent \"" + name + "\"; call IntentHandlers.register(\"" + name + "\", ...)"));
    handler.handle(this);
  }

  /** Reads like a call: {@code sendMail("a@b", retries=2)}. */
  @Override
  public String toString() {
    StringJoiner call = new StringJoiner(", ", name + "(", ")");
    args.forEach(arg -> call.add(literal(arg)));
    namedArgs.forEach((key, value) -> call.add(key + "=" + literal(value)));
    return call.toString();
  }

  private static String literal(Object value) {
    return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
  }

  static String nameOf(IntentTask task) {
    try {
      task.getClass().getDeclaredMethod("writeReplace"); // what a serializable lambda or method reference has
    } catch (NoSuchMethodException notALambda) {
      String simple = task.getClass().getSimpleName();
      if (!simple.isEmpty()) return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
      throw noName();
    }
    String method = SerializedFormReader.read(task).map(SerializedLambda::getImplMethodName).orElseThrow(Intent::noName);
    if (method.startsWith("lambda$")) throw noName();
    return method;
  }

  private static IllegalArgumentException noName() {
    return new IllegalArgumentException("task has no name to give the intent (a lambda): use a method reference "
        + "or Intent.of(\"name\", task)");
  }

  /** Builds an {@link Intent}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final IntentTask task;
    private final List<@Nullable Object> args = new ArrayList<>();
    private final Map<String, @Nullable Object> namedArgs = new LinkedHashMap<>();
    private final Map<String, Object> options = new LinkedHashMap<>();
    private String origin;

    private Builder(String name, IntentTask task) {
      this.name = name;
      this.task = task;
    }

    /**
     * Appends positional arguments.
     *
     * @param values the positional arguments
     * @return this builder
     */
    public Builder args(@Nullable Object... values) {
      args.addAll(Arrays.asList(Checks.notNull(values, "values")));
      return this;
    }

    /**
     * Sets a named argument.
     *
     * @param name the argument's name
     * @param value the argument
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder arg(String name, @Nullable Object value) {
      namedArgs.put(Checks.notNull(name, "name"), value);
      return this;
    }

    /**
     * Sets a dispatch option; {@link Intent#DELAY} must be a non-negative {@link Duration},
     * {@link Intent#QUEUE} and {@link Intent#KEY} Strings, {@link Intent#PRIORITY} an Integer, {@link Intent#ATTEMPT}
     * an Integer {@code >= 1}, {@link Intent#RETRY} a {@link RetryPolicy}, {@link Intent#TIMEOUT} a positive Duration. Options of other keys are for
     * executors that know them; an executor that sends intents elsewhere needs them JSON-compatible
     * ({@link IntentCodec}).
     *
     * @param key the option's key
     * @param value the option's value
     * @return this builder
     * @throws IllegalArgumentException if a known option has a value of the wrong kind
     */
    public Builder option(String key, Object value) {
      options.put(key, checkedOption(key, value));
      return this;
    }

    static Object checkedOption(String key, Object value) {
      Checks.notNull(key, "key");
      Checks.notNull(value, "value");
      switch (key) {
        case DELAY -> {
          if (!(value instanceof Duration d) || d.isNegative()) throw new IllegalArgumentException("option delay must be a Duration >= 0, was " + value);
        }
        case QUEUE, KEY -> {
          if (!(value instanceof String)) throw new IllegalArgumentException("option " + key + " must be a String, was " + value);
        }
        case PRIORITY -> {
          if (!(value instanceof Integer)) throw new IllegalArgumentException("option priority must be an Integer, was " + value);
        }
        case ATTEMPT -> {
          if (!(value instanceof Integer n) || n < 1) throw new IllegalArgumentException("option attempt must be an Integer >= 1, was " + value);
        }
        case RETRY -> {
          if (!(value instanceof RetryPolicy)) throw new IllegalArgumentException("option retry must be a RetryPolicy, was " + value);
        }
        case TIMEOUT -> {
          if (!(value instanceof Duration d) || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("option timeout must be a Duration > 0, was " + value);
          }
        }
        default -> { }
      }
      return value;
    }

    /**
     * Says where the intent comes from, for logs and for executors that record it.
     *
     * @param origin where the intent comes from, for messages
     * @return this builder
     */
    public Builder origin(String origin) {
      this.origin = Checks.notNull(origin, "origin");
      return this;
    }

    /**
     * Builds the intent.
     *
     * @return the intent
     */
    public Intent build() {
      String from = origin != null ? origin : StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
          .filter(f -> f.getDeclaringClass() != Builder.class && f.getDeclaringClass() != Airlock.class)
          .findFirst()
          .map(f -> f.getClassName() + "." + f.getMethodName())
          .orElse("unknown"));
      return new Intent(name, Collections.unmodifiableList(new ArrayList<>(args)), Collections.unmodifiableMap(new LinkedHashMap<>(namedArgs)),
          from, Collections.unmodifiableMap(new LinkedHashMap<>(options)), List.of(), task);
    }
  }
}
