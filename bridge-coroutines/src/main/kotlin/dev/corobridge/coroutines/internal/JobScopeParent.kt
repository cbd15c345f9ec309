package dev.corobridge.coroutines.internal

import dev.corobridge.internal.scope.ScopeParent
import dev.corobridge.internal.scope.StructuredScope
import java.util.IdentityHashMap
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.DisposableHandle
import kotlinx.coroutines.Job
import kotlinx.coroutines.ThreadContextElement

/**
 * Makes a Java scope opened while a Kotlin task coroutine runs (`executor.scoped(...)`,
 * `executor.openScope()`) a child of that coroutine: when the coroutine's job is cancelled, so is the
 * scope. One per task coroutine; it installs itself as the thread's [ScopeParent] whenever the coroutine
 * runs, and learns its job on the first run.
 */
internal class JobScopeParent : ThreadContextElement<ScopeParent?>, ScopeParent {
  companion object Key : CoroutineContext.Key<JobScopeParent>

  override val key: CoroutineContext.Key<JobScopeParent> get() = Key

  @Volatile private var job: Job? = null

  /** Java scopes adopted and not finished, with their cancellation handles; made on the first adoption. Guarded by this. */
  private var handles: IdentityHashMap<StructuredScope<*>, DisposableHandle>? = null

  override fun updateThreadContext(context: CoroutineContext): ScopeParent? {
    if (job == null) job = context[Job]
    return ScopeParent.swap(this)
  }

  override fun restoreThreadContext(context: CoroutineContext, oldState: ScopeParent?) {
    ScopeParent.swap(oldState)
  }

  override fun adopt(nested: StructuredScope<*>): Boolean {
    val owner = job ?: return true
    if (owner.isCancelled) return false
    val handle = owner.invokeOnCompletion { cause -> if (cause != null) nested.cancel() }
    synchronized(this) { (handles ?: IdentityHashMap<StructuredScope<*>, DisposableHandle>(4).also { handles = it })[nested] = handle }
    return true
  }

  override fun release(nested: StructuredScope<*>) {
    synchronized(this) { handles?.remove(nested) }?.dispose()
  }
}
