// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/** The executor as Spring's {@code AsyncTaskExecutor}: bounded by maxWorkers, refusing as Spring's executors do. */
class AsyncExecutorTaskExecutorTest {

  @Test
  void tasksRunOnTheExecutorUnderItsMaxWorkers() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(2).name("spring-tasks").build()) {
      AsyncExecutorTaskExecutor tasks = new AsyncExecutorTaskExecutor(executor);
      AtomicInteger now = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      CountDownLatch executed = new CountDownLatch(4);
      List<CompletableFuture<?>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.execute(() -> {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
          sleep(5);
          now.decrementAndGet();
          executed.countDown();
        });
        futures.add(tasks.submitCompletable(() -> {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
          sleep(5);
          now.decrementAndGet();
          return Thread.currentThread().getName();
        }));
      }
      assertTrue(tasks.submit(() -> 42).get(10, TimeUnit.SECONDS).equals(42));
      tasks.submit(() -> { }).get(10, TimeUnit.SECONDS);
      assertTrue(executed.await(10, TimeUnit.SECONDS));
      for (CompletableFuture<?> future : futures) {
        assertTrue(String.valueOf(future.get(10, TimeUnit.SECONDS)).startsWith("spring-tasks"), "runs on the executor's threads");
      }
      assertTrue(most.get() <= 2, "never more than maxWorkers at once: " + most.get());
    }
  }

  @Test
  void aShutDownExecutorRefusesWithTaskRejectedException() {
    AsyncExecutor executor = AsyncExecutor.create(1);
    executor.close();
    AsyncExecutorTaskExecutor tasks = new AsyncExecutorTaskExecutor(executor);
    assertThrows(TaskRejectedException.class, () -> tasks.execute(() -> { }));
    assertThrows(TaskRejectedException.class, () -> tasks.submit(() -> 1));
    assertThrows(NullPointerException.class, () -> new AsyncExecutorTaskExecutor(null));
  }

  /** A service whose {@code @Async} method runs on the executor bean. */
  public static class Reports {
    @Async
    public CompletableFuture<String> render() {
      return CompletableFuture.completedFuture(Thread.currentThread().getName());
    }
  }

  @Configuration
  @EnableAsync
  static class Application {
    @Bean(destroyMethod = "close")
    AsyncExecutor asyncExecutor() {
      return AsyncExecutor.builder().maxWorkers(4).name("reports").build();
    }

    @Bean
    AsyncExecutorTaskExecutor taskExecutor(AsyncExecutor asyncExecutor) {
      return new AsyncExecutorTaskExecutor(asyncExecutor);
    }

    @Bean
    Reports reports() {
      return new Reports();
    }
  }

  @Test
  void asyncMethodsRunOnTheExecutorBean() throws Exception {
    try (var context = new AnnotationConfigApplicationContext(Application.class)) {
      String thread = context.getBean(Reports.class).render().get(10, TimeUnit.SECONDS);
      assertTrue(thread.startsWith("reports"), "ran on the executor's thread: " + thread);
      assertEquals(context.getBean(AsyncExecutor.class), context.getBean(AsyncExecutorTaskExecutor.class).executor());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
