package dev.corobridge.coroutines.internal

import java.util.Optional
import java.util.function.BiConsumer
import java.util.function.BiFunction
import java.util.function.BinaryOperator
import java.util.function.Consumer
import java.util.function.Function
import java.util.function.IntFunction
import java.util.function.Predicate
import java.util.function.Supplier
import java.util.stream.Collector
import java.util.stream.Stream

/**
 * A [Stream] that closes itself when a terminal operation ends, normally or not, so that a
 * short-circuiting operation (`findFirst`, `anyMatch`, `limit(n).toList()`, ...) on a `mapIter` stream
 * cancels the work still in flight without the caller having to close it. Intermediate operations keep
 * the behaviour; the primitive streams of `mapToInt` and friends do not, so close those explicitly.
 */
internal class ClosingStream<T>(private val s: Stream<T>) : Stream<T> by s {
  private inline fun <R> terminal(op: () -> R): R = try {
    op()
  } finally {
    s.close()
  }

  override fun filter(predicate: Predicate<in T>): Stream<T> = ClosingStream(s.filter(predicate))
  override fun <R> map(mapper: Function<in T, out R>): Stream<R> = ClosingStream(s.map(mapper))
  override fun <R> flatMap(mapper: Function<in T, out Stream<out R>>): Stream<R> = ClosingStream(s.flatMap(mapper))
  override fun <R> mapMulti(mapper: BiConsumer<in T, in Consumer<R>>): Stream<R> = ClosingStream(s.mapMulti(mapper))
  override fun distinct(): Stream<T> = ClosingStream(s.distinct())
  override fun sorted(): Stream<T> = ClosingStream(s.sorted())
  override fun sorted(comparator: Comparator<in T>): Stream<T> = ClosingStream(s.sorted(comparator))
  override fun peek(action: Consumer<in T>): Stream<T> = ClosingStream(s.peek(action))
  override fun limit(maxSize: Long): Stream<T> = ClosingStream(s.limit(maxSize))
  override fun skip(n: Long): Stream<T> = ClosingStream(s.skip(n))
  override fun takeWhile(predicate: Predicate<in T>): Stream<T> = ClosingStream(s.takeWhile(predicate))
  override fun dropWhile(predicate: Predicate<in T>): Stream<T> = ClosingStream(s.dropWhile(predicate))
  override fun sequential(): Stream<T> = ClosingStream(s.sequential())
  override fun parallel(): Stream<T> = ClosingStream(s.parallel())
  override fun unordered(): Stream<T> = ClosingStream(s.unordered())
  override fun onClose(closeHandler: Runnable): Stream<T> = ClosingStream(s.onClose(closeHandler))

  override fun forEach(action: Consumer<in T>): Unit = terminal { s.forEach(action) }
  override fun forEachOrdered(action: Consumer<in T>): Unit = terminal { s.forEachOrdered(action) }
  override fun toArray(): Array<Any?> = terminal { s.toArray() }
  override fun <A> toArray(generator: IntFunction<Array<A>>): Array<A> = terminal { s.toArray(generator) }
  override fun reduce(identity: T, accumulator: BinaryOperator<T>): T = terminal { s.reduce(identity, accumulator) }
  override fun reduce(accumulator: BinaryOperator<T>): Optional<T> = terminal { s.reduce(accumulator) }
  override fun <U> reduce(identity: U, accumulator: BiFunction<U, in T, U>, combiner: BinaryOperator<U>): U =
    terminal { s.reduce(identity, accumulator, combiner) }
  override fun <R> collect(supplier: Supplier<R>, accumulator: BiConsumer<R, in T>, combiner: BiConsumer<R, R>): R =
    terminal { s.collect(supplier, accumulator, combiner) }
  override fun <R, A> collect(collector: Collector<in T, A, R>): R = terminal { s.collect(collector) }
  override fun toList(): List<T> = terminal { s.toList() }
  override fun min(comparator: Comparator<in T>): Optional<T> = terminal { s.min(comparator) }
  override fun max(comparator: Comparator<in T>): Optional<T> = terminal { s.max(comparator) }
  override fun count(): Long = terminal { s.count() }
  override fun anyMatch(predicate: Predicate<in T>): Boolean = terminal { s.anyMatch(predicate) }
  override fun allMatch(predicate: Predicate<in T>): Boolean = terminal { s.allMatch(predicate) }
  override fun noneMatch(predicate: Predicate<in T>): Boolean = terminal { s.noneMatch(predicate) }
  override fun findFirst(): Optional<T> = terminal { s.findFirst() }
  override fun findAny(): Optional<T> = terminal { s.findAny() }
}
