// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.ThreadLocalRandom
import kotlinx.coroutines.Job

/**
 * The units of work of an [Engine] in flight, for [Engine.shutdownNow] to stop: striped intrusive lists, each
 * under its own monitor, so that registering a unit costs its record and one uncontended lock, and a walk sees
 * every unit registered before it. The engine has no shared parent Job (see its overview), hence this record.
 */
internal class UnitRegistry {
  private val stripes = Array(STRIPES) { Stripe() }

  /** One list of units, guarded by itself. */
  class Stripe {
    @JvmField var head: UnitInFlight? = null
  }

  /** Records a unit's [job] and [what stops it][UnitRecord.stops]; hand the record back to [unregister]. */
  fun register(job: Job, stops: Any): UnitRecord = register(UnitRecord(job, stops))

  /** Records [record], made by the caller (a unit that is its own record, such as a queued Kotlin task); returns it. */
  fun <R : UnitInFlight> register(record: R): R {
    val stripe = stripes[ThreadLocalRandom.current().nextInt() and (STRIPES - 1)]
    record.stripe = stripe
    synchronized(stripe) {
      val first = stripe.head
      record.next = first
      first?.previous = record
      stripe.head = record
    }
    return record
  }

  fun unregister(record: UnitInFlight) {
    val stripe = record.stripe!!
    synchronized(stripe) {
      val before = record.previous
      val after = record.next
      if (before == null) {
        if (stripe.head === record) stripe.head = after
      } else {
        before.next = after
      }
      after?.previous = before
      record.previous = null
      record.next = null
    }
  }

  /** The records of the units in flight now, copied under each stripe's lock (act on them outside it). */
  fun snapshot(): List<UnitInFlight> {
    val all = ArrayList<UnitInFlight>()
    for (stripe in stripes) {
      synchronized(stripe) {
        var record = stripe.head
        while (record != null) {
          all.add(record)
          record = record.next
        }
      }
    }
    return all
  }

  private companion object {
    const val STRIPES = 16 // a power of two
  }
}

/**
 * A unit in flight as [UnitRegistry] lists it: its [job], what [Engine.shutdownNow] stops to stop it (the job, or a Java
 * task's future), and its links in one of the registry's lists. A [UnitRecord] for most units; a queued Kotlin task
 * that runs detached from its worker is its own ([QueuedCoroutine]: its links cost it 8 bytes, a record 32).
 */
internal interface UnitInFlight {
  val job: Job
  val stops: Any

  /** The list the unit is in, set once by [UnitRegistry.register] before it links the unit in. */
  var stripe: UnitRegistry.Stripe?

  // Links of the stripe's list, guarded by the stripe.
  var previous: UnitInFlight?
  var next: UnitInFlight?
}

/** The record of a unit in flight that is not its own record. */
internal class UnitRecord(override val job: Job, override val stops: Any) : UnitInFlight {
  override var stripe: UnitRegistry.Stripe? = null
  override var previous: UnitInFlight? = null
  override var next: UnitInFlight? = null
}
