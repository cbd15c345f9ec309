// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work's buffer of intents: they escape, through the scope's {@link IntentExecutor}, only
 * when the scope ends well. Open one with {@link Airlock#scope()} (or {@link Airlock#open} for a
 * subclass) or run a block in one with {@link Airlock#scoped}.
 *
 * <pre>{@code
 * try (IntentScope scope = Airlock.scope()) {
 *   orders.save(order);
 *   Airlock.enqueue(Intent.named("sendMail").args(order.email(), "Thanks!").build());
 *   scope.complete();   // reached the end: close() flushes
 * }                     // an exception skipped complete(): close() discards
 * }</pre>
 *
 * <p><b>Ending.</b> {@link #flush()} dispatches, {@link #discard()} drops; each ends the scope, and ending it
 * twice, or while a scope nested in it is still open, throws {@link ScopeStateException}. Intents are dispatched
 * outside the scope, as airlock exits a scope before it flushes: {@link #close()} leaves the scope (the scope that
 * was current when it opened is current again) and then ends it, and an explicit {@link #flush()} makes that scope
 * current for the duration of its dispatch. So a handler may open a scope of its own, and an {@code enqueue}
 * without one fails with {@link NoScopeException}; an {@code enqueue} into the ended scope itself (after an
 * explicit {@code flush()}, before {@code close()}) fails with {@link ScopeStateException}.
 * {@link #close()} ends a scope that is still open by asking {@link #shouldFlush(Throwable)}: with no
 * error if {@link #complete()} was called, else with the error {@code Airlock.scoped} caught or a
 * {@link ScopeStateException} saying {@code complete()} was not reached. Intents are always dispatched
 * in the order they were enqueued; policies filter, never reorder.
 *
 * <p><b>Nesting.</b> A scope opened while another is current is nested in it. When a nested scope flushes,
 * its intents go to its parent, so the outermost scope decides (a nested scope may ask for chosen intents to be
 * dispatched at once with {@link #passesThrough(Intent)}, which every ancestor must allow with
 * {@link #letsDescendantDispatch}); when it discards, the parent is unaffected.
 *
 * <p><b>Choosing the executor and policy.</b> A scope takes, in order of precedence, the executor, policy and
 * flush mode given to its constructor, then its subclass's {@link #defaultExecutor()},
 * {@link #defaultPolicy()} and {@link #defaultFlushMode()}, then {@link Airlock#configure}, the
 * {@code corobridge.intent.executor} system property or a {@code ServiceLoader} entry, then
 * synchronous dispatch, {@link AllowAll} and {@link FlushMode#FAIL_FAST}. A subclass can also change
 * when the flush happens, for example after a transaction commits, by overriding
 * {@link #scheduleFlush(Runnable)}.
 *
 * <p>Thread-safe: tasks of the unit of work may enqueue into it from any thread.
 */
public class IntentScope implements AutoCloseable {
  private enum State { NEW, OPEN, FLUSHED, DISCARDED }

  private final IntentExecutor chosenExecutor;
  private final IntentPolicy chosenPolicy;
  private final FlushMode chosenFlushMode;

  // Set by open(), guarded by this afterwards.
  private IntentScope parent;
  private Thread openedOn;
  private IntentExecutor executor;
  private IntentPolicy policy;
  private FlushMode flushMode;
  private State state = State.NEW;
  private int openChildren;
  private boolean completed;
  /** The intents waiting for the scope's end. */
  private final List<Intent> buffer = new ArrayList<>();
  /** Every intent ever buffered, own and captured, in order; kept after the end for inspection. */
  private final List<Intent> buffered = new ArrayList<>();
  /** Those of {@link #buffered} that a nested scope handed up (compared by identity). */
  private final List<Intent> captured = new ArrayList<>();

  /** A scope with the configured executor, policy and flush mode (or its subclass's defaults). */
  public IntentScope() {
    this(null, null, null);
  }

  /**
   * A scope with the given executor, policy and flush mode; {@code null} for any of them means the
   * subclass default, else the configured one.
   *
   * @param executor the executor its intents are dispatched through, or {@code null}
   * @param policy the policy every intent must pass, or {@code null}
   * @param flushMode what a failing dispatch does to the rest of the flush, or {@code null}
   */
  public IntentScope(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode) {
    this.chosenExecutor = executor;
    this.chosenPolicy = policy;
    this.chosenFlushMode = flushMode;
  }

  /**
   * This subclass's executor when none is given to the constructor; {@code null} for the configured one.
   *
   * @return the executor, or {@code null}
   */
  protected @Nullable IntentExecutor defaultExecutor() {
    return null;
  }

  /**
   * This subclass's policy when none is given to the constructor; {@code null} for the configured one.
   *
   * @return the policy, or {@code null}
   */
  protected @Nullable IntentPolicy defaultPolicy() {
    return null;
  }

  /**
   * This subclass's flush mode when none is given to the constructor; {@code null} for the configured one.
   *
   * @return the flush mode, or {@code null}
   */
  protected @Nullable FlushMode defaultFlushMode() {
    return null;
  }

  /**
   * Whether the scope dispatches when it ends with {@code error} ({@code null}: it ended well). By default: only without error.
   *
   * @param error how the unit of work ended, {@code null} for well
   * @return whether to dispatch
   */
  protected boolean shouldFlush(@Nullable Throwable error) {
    return error == null;
  }

  /**
   * Whether this nested scope asks to dispatch {@code intent} at once as it flushes, instead of handing it to its
   * parent. By default none is asked for. Its ancestors have the last word
   * ({@link #letsDescendantDispatch}): the first one that does not let it go past captures it.
   *
   * @param intent an intent this scope flushes
   * @return whether to ask for it to be dispatched at once
   */
  protected boolean passesThrough(Intent intent) {
    return false;
  }

  /**
   * Whether this scope lets {@code intent}, which {@code descendant} (a scope nested in it, at any depth) asks
   * to dispatch at once ({@link #passesThrough}), go past it. By default it does not: it captures the intent,
   * as airlock's scopes capture everything their descendants flush ({@code before_descendant_flushes}), so that
   * an outer scope that later discards, or asserts no effects, still decides. A scope that trusts its
   * descendants with some intents (an urgent page, say) overrides this.
   *
   * @param descendant the nested scope that flushes
   * @param intent an intent it asks to dispatch at once
   * @return whether the intent may go past this scope
   */
  protected boolean letsDescendantDispatch(IntentScope descendant, Intent intent) {
    return false;
  }

  /**
   * Runs the dispatch of a flush. By default at once, on the flushing thread; a subclass may defer it,
   * for example to after a transaction commits ({@code TransactionSynchronization.afterCommit}).
   *
   * @param dispatch the dispatch of the flushed intents
   */
  protected void scheduleFlush(Runnable dispatch) {
    dispatch.run();
  }

  /** Opens the scope as the current one of this unit of work. Called by {@link Airlock#open}. */
  final synchronized void open(IntentScope current) {
    if (state != State.NEW) throw new ScopeStateException("this scope was opened already: " + this);
    parent = current;
    openedOn = Thread.currentThread();
    executor = firstNonNull(chosenExecutor, defaultExecutor(), Airlock.configuredExecutor());
    policy = firstNonNull(chosenPolicy, defaultPolicy(), Airlock.configuredPolicy());
    flushMode = firstNonNull(chosenFlushMode, defaultFlushMode(), Airlock.configuredFlushMode());
    if (parent != null) parent.childOpened();
    state = State.OPEN;
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... choices) {
    for (T choice : choices) {
      if (choice != null) return choice;
    }
    throw new IllegalStateException("no default");
  }

  private synchronized void childOpened() {
    openChildren++;
  }

  private synchronized void childEnded() {
    openChildren--;
  }

  /**
   * The scope this one is nested in, or {@code null} for an outermost scope.
   *
   * @return the parent scope, or {@code null}
   */
  public final @Nullable IntentScope parent() {
    return parent;
  }

  /**
   * The executor this scope dispatches through.
   *
   * @return the executor
   */
  public final synchronized IntentExecutor executor() {
    return executor;
  }

  /**
   * What a failed dispatch does to the rest of this scope's flush.
   *
   * @return the flush mode
   */
  public final synchronized FlushMode flushMode() {
    return flushMode;
  }

  /**
   * The scope's policy.
   *
   * @return the policy
   */
  public final synchronized IntentPolicy policy() {
    return policy;
  }

  /**
   * Whether the scope is open: neither flushed nor discarded.
   *
   * @return whether the scope is open
   */
  public final synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  /**
   * The intents buffered so far and not yet flushed or discarded, in order; empty once the scope has ended.
   *
   * @return a copy of the pending intents
   */
  public final synchronized List<Intent> pending() {
    return List.copyOf(buffer);
  }

  /**
   * Every intent this scope buffered, its own and those it captured from nested scopes, in order, whether or
   * not a policy let it through; still readable after the scope ended (airlock's {@code scope.intents}). A test
   * can open a scope with {@link DropAll}, run the code, and then look at what would have run. Unlike airlock,
   * which clears them on discard, a discarded scope keeps them too ({@link #isDiscarded()} tells).
   *
   * @return a copy of the intents, in the order they were buffered
   */
  public final synchronized List<Intent> intents() {
    return List.copyOf(buffered);
  }

  /**
   * The intents enqueued into this scope itself, in order (airlock's {@code own_intents}).
   *
   * @return a copy of this scope's own intents
   */
  public final synchronized List<Intent> ownIntents() {
    Set<Intent> handedUp = Collections.newSetFromMap(new IdentityHashMap<>());
    handedUp.addAll(captured);
    List<Intent> own = new ArrayList<>(buffered.size());
    for (Intent intent : buffered) {
      if (!handedUp.contains(intent)) own.add(intent);
    }
    return List.copyOf(own);
  }

  /**
   * The intents nested scopes handed up to this one when they flushed, in order (airlock's {@code captured_intents}).
   *
   * @return a copy of the captured intents
   */
  public final synchronized List<Intent> capturedIntents() {
    return List.copyOf(captured);
  }

  /**
   * Whether the scope ended with a flush (its intents were dispatched, or handed to its parent).
   *
   * @return whether the scope was flushed
   */
  public final synchronized boolean isFlushed() {
    return state == State.FLUSHED;
  }

  /**
   * Whether the scope ended with a discard (its intents were dropped).
   *
   * @return whether the scope was discarded
   */
  public final synchronized boolean isDiscarded() {
    return state == State.DISCARDED;
  }

  /**
   * Drops the pending intents from position {@code from} on (in {@link #pending()} order), as if they had never
   * been enqueued: for a subclass whose unit of work undoes part of itself, such as a transaction that rolls
   * back to a savepoint (take {@code pending().size()} at the savepoint). They leave {@link #intents()} too.
   *
   * @param from the position of the first intent to drop; {@code pending().size()} or more drops nothing
   * @return the dropped intents, in order
   * @throws IllegalArgumentException if {@code from} is negative
   * @throws ScopeStateException if the scope has ended
   */
  protected final synchronized List<Intent> dropPendingFrom(int from) {
    if (from < 0) throw new IllegalArgumentException("from must be at least 0, was " + from);
    if (state != State.OPEN) throw new ScopeStateException("cannot drop intents of a scope that is " + state);
    if (from >= buffer.size()) return List.of();
    List<Intent> tail = buffer.subList(from, buffer.size());
    List<Intent> dropped = List.copyOf(tail);
    tail.clear();
    Set<Intent> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(dropped);
    buffered.removeIf(gone::contains);
    captured.removeIf(gone::contains);
    return dropped;
  }

  /** Marks the unit of work as finished well: {@link #close()} will flush (if {@link #shouldFlush} agrees). */
  public final synchronized void complete() {
    completed = true;
  }

  /** Buffers an intent that passed the policies' {@code onEnqueue}. */
  final synchronized void add(Intent intent) {
    if (state != State.OPEN) throw new ScopeStateException("cannot enqueue " + intent + ": the scope has ended (" + state + ")");
    buffer.add(intent);
    buffered.add(intent);
  }

  /** Buffers an intent a nested scope handed up as it flushed. */
  private synchronized void capture(Intent intent) {
    add(intent);
    captured.add(intent);
  }

  /**
   * Ends the scope and dispatches its intents that the policies allow, in order: to its parent if it
   * is nested (save those that {@link #passesThrough pass through}), else through its executor. As in
   * airlock, what the parent captures is judged by the parent's policy, not by this scope's: the
   * outermost scope has the last word (an intent's own local policies travel with it and apply at dispatch).
   *
   * @throws ScopeStateException     if the scope has ended already or a nested scope is still open
   * @throws IntentDispatchException if the executor failed (see {@link FlushMode})
   */
  public final void flush() {
    List<Intent> intents = end(State.FLUSHED);
    List<Intent> dispatchNow = new ArrayList<>(intents.size());
    for (Intent intent : intents) {
      IntentScope captor = parent == null ? null : passesThrough(intent) ? ancestorCapturing(intent) : parent;
      if (captor != null) {
        captor.capture(intent); // before this scope's policy: the capturing scope's policy decides, as in airlock
      } else if (Airlock.allows(policy, intent)) {
        dispatchNow.add(intent);
      }
    }
    if (!dispatchNow.isEmpty()) scheduleFlush(() -> dispatchOutside(dispatchNow));
  }

  /** The nearest ancestor that does not let {@code intent} go past it, or null if every one does. */
  private IntentScope ancestorCapturing(Intent intent) {
    for (IntentScope ancestor = parent; ancestor != null; ancestor = ancestor.parent) {
      if (!ancestor.letsDescendantDispatch(this, intent)) return ancestor;
    }
    return null;
  }

  /**
   * Dispatches with this ended scope not current on the dispatching thread (its parent is, or none), as airlock
   * dispatches only after it left the scope: a handler may open a scope of its own, and an {@code enqueue}
   * without one fails with {@link NoScopeException}. If the scope was current, it is again afterwards, until
   * {@link #close()}, so that the unit of work's own later {@code enqueue} meets the ended scope.
   */
  private void dispatchOutside(List<Intent> intents) {
    boolean current = Airlock.current().orElse(null) == this;
    if (current) Airlock.swapCurrent(parent);
    try {
      dispatch(intents);
    } finally {
      if (current) Airlock.swapCurrent(this);
    }
  }

  /**
   * Ends the scope and drops its intents. The parent, if any, is unaffected.
   *
   * @throws ScopeStateException if the scope has ended already or a nested scope is still open
   */
  public final void discard() {
    end(State.DISCARDED);
  }

  private List<Intent> end(State end) {
    List<Intent> intents;
    synchronized (this) {
      if (state != State.OPEN) {
        throw new ScopeStateException("cannot " + (end == State.FLUSHED ? "flush" : "discard") + " a scope that is " + state);
      }
      if (openChildren > 0) {
        throw new ScopeStateException("cannot end a scope while " + openChildren + " scope(s) nested in it are still open");
      }
      state = end;
      intents = List.copyOf(buffer);
      buffer.clear();
    }
    if (parent != null) parent.childEnded();
    return intents;
  }

  /** Dispatches through the executor, with the intents' own local policies applied last. */
  private void dispatch(List<Intent> intents) {
    List<Intent> allowed = new ArrayList<>(intents.size());
    for (Intent intent : intents) {
      boolean allows = true;
      for (IntentPolicy local : intent.policies()) {
        allows &= Airlock.allows(local, intent);
      }
      if (allows) allowed.add(intent);
    }
    if (allowed.size() > 1 && dispatchedAsOneBatch(allowed)) return;
    List<Intent> failed = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (Intent intent : allowed) {
      try {
        executor.dispatch(intent);
      } catch (Exception e) {
        failed.add(intent);
        errors.add(e);
        if (flushMode == FlushMode.FAIL_FAST) break;
        System.getLogger("dev.corobridge.intent").log(Level.ERROR, "dispatch of " + intent + " failed; dispatching the others", e);
      }
    }
    if (!errors.isEmpty()) throw new IntentDispatchException(failed, errors);
  }

  /** Whether the executor dispatched {@code intents} as one batch; a batch that failed fails the flush whole. */
  private boolean dispatchedAsOneBatch(List<Intent> intents) {
    try {
      return executor.dispatchBatch(List.copyOf(intents));
    } catch (Exception e) {
      throw new IntentDispatchException(intents, List.of(e));
    }
  }

  /**
   * Ends the scope if it is still open (flush or discard, as {@link #shouldFlush} decides for how the
   * unit of work ended) and makes the scope that was current before it current again.
   */
  @Override
  public final void close() {
    close(null);
  }

  /**
   * Like {@link #close()}, for a unit of work known to have ended with {@code error} ({@code null}:
   * as far as the caller knows, normally). Integrations that see how the work ended (coroutines,
   * interceptors) call this.
   *
   * @param error how the unit of work ended, {@code null} for well
   */
  public final void close(@Nullable Throwable error) {
    boolean open;
    boolean flush;
    synchronized (this) {
      open = state == State.OPEN;
      Throwable outcome = error != null ? error
          : completed ? null : new ScopeStateException("the scope was closed without complete(): the unit of work did not reach its end");
      flush = open && shouldFlush(outcome);
    }
    // Leave first, then end, as airlock exits a scope before it flushes: the scope that was current when this one
    // opened is current again during the dispatch.
    if (openedOn == Thread.currentThread()) Airlock.restoreCurrent(this, parent);
    if (open) {
      if (flush) {
        flush();
      } else {
        discard();
      }
    }
  }

  @Override
  public synchronized String toString() {
    return getClass().getSimpleName() + "[" + state.name().toLowerCase() + ", " + buffer.size() + " pending, executor=" + executor
        + ", policy=" + policy + (parent != null ? ", nested" : "") + "]";
  }
}
