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

  /** One list of records, guarded by itself. */
  class Stripe {
    @JvmField var head: UnitRecord? = null
  }

  /** Records a unit's [job] and [what stops it][UnitRecord.stops]; hand the record back to [unregister]. */
  fun register(job: Job, stops: Any): UnitRecord = register(UnitRecord(job, stops))

  /** Records [record], made by the caller (a subclass that serves as something else as well); returns it. */
  fun <R : UnitRecord> register(record: R): R {
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

  fun unregister(record: UnitRecord) {
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
  fun snapshot(): List<UnitRecord> {
    val all = ArrayList<UnitRecord>()
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

/** A unit in flight: its [job], and what [Engine.shutdownNow] stops to stop it (the job, or a Java task's future). */
internal open class UnitRecord(@JvmField val job: Job, @JvmField val stops: Any) {
  /** The list the record is in, set once by [UnitRegistry.register] before it links the record in. */
  @JvmField var stripe: UnitRegistry.Stripe? = null

  // Links of the stripe's list, guarded by the stripe.
  @JvmField var previous: UnitRecord? = null
  @JvmField var next: UnitRecord? = null
}
