// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * How a {@link TaskScope} decides its outcome: its policy, its deadline and its name. Immutable and
 * thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ScopeOptions firstAnswer = ScopeOptions.builder()
 *     .policy(WaitStrategy.FIRST_SUCCESS)     // the first child to succeed cancels the others
 *     .deadline(Duration.ofSeconds(2))        // then everything still running is cancelled
 *     .name("mirrors")
 *     .build();
 * }</pre>
 *
 * <p>The policies, in the words of {@link WaitStrategy}:
 * <ul>
 *   <li>{@link WaitStrategy#FIRST_EXCEPTION} (the default): the first child to fail cancels the others,
 *       and the scope fails with that child's own exception, later failures attached as suppressed;</li>
 *   <li>{@link WaitStrategy#ALL_COMPLETED}: nothing is cancelled; the scope fails with the first failure, if any;</li>
 *   <li>{@link WaitStrategy#FIRST_SUCCESS}: the first child to succeed cancels the others; the scope
 *       fails only if no child succeeded (with the first failure);</li>
 *   <li>{@link WaitStrategy#FIRST_COMPLETED}: the first child to finish cancels the others; the scope
 *       fails if that child failed.</li>
 * </ul>
 * A child whose future was cancelled (by the scope or by a caller) counts as neither a success nor a
 * failure.
 */
public final class ScopeOptions {
  private static final ScopeOptions DEFAULTS = new Builder().build();

  private final WaitStrategy policy;
  private final Duration deadline;
  private final String name;

  private ScopeOptions(Builder builder) {
    this.policy = builder.policy;
    this.deadline = builder.deadline;
    this.name = builder.name;
  }

  /**
   * Returns the options with nothing set: policy {@link WaitStrategy#FIRST_EXCEPTION}, no deadline, no name.
   *
   * @return the default options
   */
  public static ScopeOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a new builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts from these options.
   *
   * @return a new builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.policy = policy;
    b.deadline = deadline;
    b.name = name;
    return b;
  }

  /**
   * The policy that decides when the children still running are cancelled and how the scope ends.
   *
   * @return the policy, never null
   */
  public WaitStrategy policy() {
    return policy;
  }

  /**
   * How long the scope may take, counted from its opening, if limited.
   *
   * @return the deadline, or empty for none
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The scope's name, used in messages, if any.
   *
   * @return the name, or empty for none
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "ScopeOptions[", "]");
    s.add("policy=" + policy);
    if (deadline != null) s.add("deadline=" + deadline);
    if (name != null) s.add("name=" + name);
    return s.toString();
  }

  /** Builds {@link ScopeOptions}. Not thread-safe; each {@link #build()} returns an immutable snapshot. */
  public static final class Builder {
    private WaitStrategy policy = WaitStrategy.FIRST_EXCEPTION;
    private Duration deadline;
    private String name;

    private Builder() {}

    /**
     * Sets the policy (default {@link WaitStrategy#FIRST_EXCEPTION}).
     *
     * @param policy when the children still running are cancelled, and how the scope ends
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder policy(WaitStrategy policy) {
      this.policy = Checks.notNull(policy, "policy");
      return this;
    }

    /**
     * Limits how long the scope may take, counted from its opening. When it passes, every child still
     * running is cancelled and the scope fails with {@link java.util.concurrent.TimeoutException}. A
     * duration too large to count in nanoseconds (about 292 years) means no limit.
     *
     * @param deadline the longest the scope may take, counted from its opening
     * @return this builder
     * @throws NullPointerException     if {@code deadline} is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Checks.isUnlimited(Checks.nonNegative(deadline, "deadline")) ? null : deadline;
      return this;
    }

    /**
     * Names the scope for messages.
     *
     * @param name the name used in messages
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder name(String name) {
      this.name = Checks.notNull(name, "name");
      return this;
    }

    /**
     * Returns the options built so far.
     *
     * @return the immutable options
     */
    public ScopeOptions build() {
      return new ScopeOptions(this);
    }
  }
}
