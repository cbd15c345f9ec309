// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Collector;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A {@link Stream} that closes itself when a terminal operation ends, normally or not, so that a
 * short-circuiting operation ({@code findFirst}, {@code anyMatch}, {@code limit(n).toList()}, ...) on a
 * {@code mapIter} stream cancels the work still in flight without the caller having to close it.
 * Intermediate operations keep the behaviour; the primitive streams of {@code mapToInt} and friends,
 * {@code iterator()} and {@code spliterator()} do not, so close those explicitly. Not part of the
 * public API.
 */
public final class ClosingStream<T> implements Stream<T> {
  private final Stream<T> s;

  /** Wraps {@code stream}, whose close handlers cancel the work behind it. */
  public ClosingStream(Stream<T> stream) {
    this.s = stream;
  }

  private <R> Stream<R> wrap(Stream<R> next) {
    return new ClosingStream<>(next);
  }

  private <R> R terminal(Supplier<R> op) {
    try {
      return op.get();
    } finally {
      s.close();
    }
  }

  private void terminal(Runnable op) {
    try {
      op.run();
    } finally {
      s.close();
    }
  }

  @Override public Stream<T> filter(Predicate<? super T> predicate) { return wrap(s.filter(predicate)); }
  @Override public <R> Stream<R> map(Function<? super T, ? extends R> mapper) { return wrap(s.map(mapper)); }
  @Override public IntStream mapToInt(ToIntFunction<? super T> mapper) { return s.mapToInt(mapper); }
  @Override public LongStream mapToLong(ToLongFunction<? super T> mapper) { return s.mapToLong(mapper); }
  @Override public DoubleStream mapToDouble(ToDoubleFunction<? super T> mapper) { return s.mapToDouble(mapper); }
  @Override public <R> Stream<R> flatMap(Function<? super T, ? extends Stream<? extends R>> mapper) { return wrap(s.flatMap(mapper)); }
  @Override public IntStream flatMapToInt(Function<? super T, ? extends IntStream> mapper) { return s.flatMapToInt(mapper); }
  @Override public LongStream flatMapToLong(Function<? super T, ? extends LongStream> mapper) { return s.flatMapToLong(mapper); }
  @Override public DoubleStream flatMapToDouble(Function<? super T, ? extends DoubleStream> mapper) { return s.flatMapToDouble(mapper); }
  @Override public <R> Stream<R> mapMulti(BiConsumer<? super T, ? super Consumer<R>> mapper) { return wrap(s.mapMulti(mapper)); }
  @Override public Stream<T> distinct() { return wrap(s.distinct()); }
  @Override public Stream<T> sorted() { return wrap(s.sorted()); }
  @Override public Stream<T> sorted(Comparator<? super T> comparator) { return wrap(s.sorted(comparator)); }
  @Override public Stream<T> peek(Consumer<? super T> action) { return wrap(s.peek(action)); }
  @Override public Stream<T> limit(long maxSize) { return wrap(s.limit(maxSize)); }
  @Override public Stream<T> skip(long n) { return wrap(s.skip(n)); }
  @Override public Stream<T> takeWhile(Predicate<? super T> predicate) { return wrap(s.takeWhile(predicate)); }
  @Override public Stream<T> dropWhile(Predicate<? super T> predicate) { return wrap(s.dropWhile(predicate)); }
  @Override public Stream<T> sequential() { return wrap(s.sequential()); }
  @Override public Stream<T> parallel() { return wrap(s.parallel()); }
  @Override public Stream<T> unordered() { return wrap(s.unordered()); }
  @Override public Stream<T> onClose(Runnable closeHandler) { return wrap(s.onClose(closeHandler)); }

  @Override public void forEach(Consumer<? super T> action) { terminal(() -> s.forEach(action)); }
  @Override public void forEachOrdered(Consumer<? super T> action) { terminal(() -> s.forEachOrdered(action)); }
  @Override public Object[] toArray() { return terminal(() -> s.toArray()); }
  @Override public <A> A[] toArray(IntFunction<A[]> generator) { return terminal(() -> s.toArray(generator)); }
  @Override public T reduce(T identity, BinaryOperator<T> accumulator) { return terminal(() -> s.reduce(identity, accumulator)); }
  @Override public Optional<T> reduce(BinaryOperator<T> accumulator) { return terminal(() -> s.reduce(accumulator)); }
  @Override public <U> U reduce(U identity, BiFunction<U, ? super T, U> accumulator, BinaryOperator<U> combiner) {
    return terminal(() -> s.reduce(identity, accumulator, combiner));
  }
  @Override public <R> R collect(Supplier<R> supplier, BiConsumer<R, ? super T> accumulator, BiConsumer<R, R> combiner) {
    return terminal(() -> s.collect(supplier, accumulator, combiner));
  }
  @Override public <R, A> R collect(Collector<? super T, A, R> collector) { return terminal(() -> s.collect(collector)); }
  @Override public List<T> toList() { return terminal(() -> s.toList()); }
  @Override public Optional<T> min(Comparator<? super T> comparator) { return terminal(() -> s.min(comparator)); }
  @Override public Optional<T> max(Comparator<? super T> comparator) { return terminal(() -> s.max(comparator)); }
  @Override public long count() { return terminal(() -> s.count()); }
  @Override public boolean anyMatch(Predicate<? super T> predicate) { return terminal(() -> s.anyMatch(predicate)); }
  @Override public boolean allMatch(Predicate<? super T> predicate) { return terminal(() -> s.allMatch(predicate)); }
  @Override public boolean noneMatch(Predicate<? super T> predicate) { return terminal(() -> s.noneMatch(predicate)); }
  @Override public Optional<T> findFirst() { return terminal(() -> s.findFirst()); }
  @Override public Optional<T> findAny() { return terminal(() -> s.findAny()); }

  @Override public Iterator<T> iterator() { return s.iterator(); }
  @Override public Spliterator<T> spliterator() { return s.spliterator(); }
  @Override public boolean isParallel() { return s.isParallel(); }
  @Override public void close() { s.close(); }
}
