// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Spec §2: asCompleted and the four wait strategies, with and without timeout. */
public abstract class WaitContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected WaitContract() {}


  private static List<CompletableFuture<Integer>> futures(int n) {
    return IntStream.range(0, n).mapToObj(i -> new CompletableFuture<Integer>()).collect(Collectors.toList());
  }

  @Test
  void asCompletedYieldsOutcomesInTheOrderTheInputsComplete() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(50);
    List<CompletableFuture<Integer>> outputs = executor.asCompleted(inputs);
    assertEquals(50, outputs.size());
    assertTrue(outputs.stream().noneMatch(CompletableFuture::isDone), "non-blocking: nothing done yet");
    List<Integer> order = IntStream.range(0, 50).boxed().collect(Collectors.toList());
    Collections.shuffle(order, new Random(7));
    List<RuntimeException> failures = new ArrayList<>();
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      if (i % 5 == 0) {
        RuntimeException e = new RuntimeException("input " + i);
        failures.add(e);
        inputs.get(i).completeExceptionally(e);
      } else {
        inputs.get(i).complete(i);
      }
    }
    int failureIndex = 0;
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      if (i % 5 == 0) {
        assertSame(failures.get(failureIndex++), Await.failure(outputs.get(k)), "output " + k);
      } else {
        assertEquals(i, Await.value(outputs.get(k)), "output " + k);
      }
    }
  }

  @Test
  void asCompletedNeverCancelsItsInputs() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    List<CompletableFuture<Integer>> outputs = executor.asCompleted(inputs);
    outputs.forEach(f -> f.cancel(true));
    assertTrue(inputs.stream().noneMatch(CompletableFuture::isDone));
  }

  @ParameterizedTest
  @EnumSource(WaitStrategy.class)
  void waitForOnNothingCompletesAtOnceWithBothSetsEmpty(WaitStrategy strategy) {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(List.of(), strategy);
    assertTrue(result.isDone());
    assertEquals(Set.of(), result.join().done());
    assertEquals(Set.of(), result.join().pending());
  }

  @Test
  void allCompletedWaitsForEveryFuture() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, WaitStrategy.ALL_COMPLETED);
    inputs.get(0).complete(0);
    inputs.get(1).completeExceptionally(new RuntimeException());
    assertFalse(result.isDone());
    inputs.get(2).complete(2);
    WaitResult<Integer> r = Await.value(result);
    assertEquals(Set.copyOf(inputs), r.done());
    assertEquals(Set.of(), r.pending());
  }

  @Test
  void firstCompletedReturnsOnTheFirstOutcomeOfAnyKind() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, WaitStrategy.FIRST_COMPLETED);
    assertFalse(result.isDone());
    inputs.get(1).completeExceptionally(new RuntimeException());
    WaitResult<Integer> r = Await.value(result);
    assertEquals(Set.of(inputs.get(1)), r.done());
    assertEquals(Set.of(inputs.get(0), inputs.get(2)), r.pending());
  }

  @Test
  void firstExceptionReturnsOnTheFirstFailureElseWhenAllAreDone() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, WaitStrategy.FIRST_EXCEPTION);
    inputs.get(0).complete(0);
    assertFalse(result.isDone(), "a success does not end FIRST_EXCEPTION");
    inputs.get(2).completeExceptionally(new RuntimeException());
    WaitResult<Integer> r = Await.value(result);
    assertEquals(Set.of(inputs.get(0), inputs.get(2)), r.done());
    assertEquals(Set.of(inputs.get(1)), r.pending());

    List<CompletableFuture<Integer>> allGood = futures(2);
    CompletableFuture<WaitResult<Integer>> second = executor.waitFor(allGood, WaitStrategy.FIRST_EXCEPTION);
    allGood.get(0).complete(1);
    assertFalse(second.isDone());
    allGood.get(1).complete(2);
    assertEquals(Set.copyOf(allGood), Await.value(second).done());
  }

  @Test
  void firstSuccessReturnsOnTheFirstSuccessElseWhenAllAreDone() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, WaitStrategy.FIRST_SUCCESS);
    inputs.get(0).completeExceptionally(new RuntimeException());
    assertFalse(result.isDone(), "a failure does not end FIRST_SUCCESS");
    inputs.get(1).complete(1);
    WaitResult<Integer> r = Await.value(result);
    assertEquals(Set.of(inputs.get(0), inputs.get(1)), r.done());
    assertEquals(Set.of(inputs.get(2)), r.pending());

    List<CompletableFuture<Integer>> allBad = futures(2);
    CompletableFuture<WaitResult<Integer>> second = executor.waitFor(allBad, WaitStrategy.FIRST_SUCCESS);
    allBad.get(0).completeExceptionally(new RuntimeException());
    assertFalse(second.isDone());
    allBad.get(1).cancel(true);
    assertEquals(Set.copyOf(allBad), Await.value(second).done());
  }

  @ParameterizedTest
  @EnumSource(WaitStrategy.class)
  void onTimeoutEveryStrategyCompletesNormallyWithThePartitionAtThatMoment(WaitStrategy strategy) {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(3);
    if (strategy == WaitStrategy.FIRST_SUCCESS) {
      inputs.get(0).completeExceptionally(new RuntimeException("not a success"));
    } else if (strategy != WaitStrategy.FIRST_COMPLETED) {
      inputs.get(0).complete(0);
    }
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, strategy, Duration.ofMillis(30));
    WaitResult<Integer> r = Await.value(result);
    Set<CompletableFuture<Integer>> expectedDone = strategy == WaitStrategy.FIRST_COMPLETED ? Set.of() : Set.of(inputs.get(0));
    assertEquals(expectedDone, r.done());
    assertEquals(3 - expectedDone.size(), r.pending().size());
    assertTrue(inputs.stream().noneMatch(CompletableFuture::isCancelled), "waiting never cancels the inputs");
  }

  @ParameterizedTest
  @EnumSource(WaitStrategy.class)
  void withATimeoutThatDoesNotExpireEachStrategyStillEndsWhenMet(WaitStrategy strategy) {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(2);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, strategy, Duration.ofMinutes(5));
    inputs.get(0).complete(0);
    boolean endsOnFirst = strategy == WaitStrategy.FIRST_COMPLETED || strategy == WaitStrategy.FIRST_SUCCESS;
    if (endsOnFirst) {
      assertEquals(Set.of(inputs.get(0)), Await.value(result).done());
      assertEquals(Set.of(inputs.get(1)), Await.value(result).pending());
    } else {
      assertFalse(result.isDone());
      inputs.get(1).complete(1);
      assertEquals(Set.copyOf(inputs), Await.value(result).done());
    }
  }

  @ParameterizedTest
  @EnumSource(WaitStrategy.class)
  void aZeroTimeoutReturnsThePartitionAtTheCallAlreadyComplete(WaitStrategy strategy) {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(2);
    inputs.get(1).complete(1);
    CompletableFuture<WaitResult<Integer>> result = executor.waitFor(inputs, strategy, Duration.ZERO);
    assertTrue(result.isDone(), "a zero timeout does not wait for a clock");
    assertEquals(Set.of(inputs.get(1)), result.join().done());
    assertEquals(Set.of(inputs.get(0)), result.join().pending());
  }

  @Test
  void theSetsOfAWaitResultCannotBeChanged() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> inputs = futures(2);
    inputs.get(0).complete(0);
    WaitResult<Integer> result = Await.value(executor.waitFor(inputs, WaitStrategy.FIRST_COMPLETED));
    assertThrows(UnsupportedOperationException.class, () -> result.done().clear());
    assertThrows(UnsupportedOperationException.class, () -> result.pending().add(new CompletableFuture<>()));
  }

  @Test
  void badWaitArgumentsAreRefusedAtTheCall() {
    AsyncExecutor executor = newExecutor(1);
    assertRejects(IllegalArgumentException.class, "timeout",
        () -> executor.waitFor(futures(1), WaitStrategy.ALL_COMPLETED, Duration.ofMillis(-1)));
    assertRejects(NullPointerException.class, "strategy", () -> executor.waitFor(futures(1), null));
    assertRejects(NullPointerException.class, "futures", () -> executor.asCompleted(null));
  }
}
