package io.sekisho.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeadlineWatchdog}: a guard closed in time is never interrupted, one past its deadline is,
 * and the interrupt of a guard that fired as it was being closed is cleared, not left for the
 * thread's next task.
 */
class DeadlineWatchdogTest {
    private final DeadlineWatchdog watchdog = new DeadlineWatchdog("test-deadline", Duration.ofMillis(5));

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aGuardClosedBeforeItsDeadlineNeverInterrupts() throws Exception {
        DeadlineWatchdog.Guard guard = watchdog.start(Duration.ofMillis(30));
        guard.close();
        Thread.sleep(100);

        assertThat(guard.fired()).isFalse();
        assertThat(watchdog.openGuards()).isZero();
    }

    @Test
    void aGuardPastItsDeadlineInterruptsItsThreadAndClosingClearsIt() {
        long start = System.nanoTime();
        DeadlineWatchdog.Guard guard = watchdog.start(Duration.ofMillis(50));
        boolean interrupted = sleepUntilInterrupted();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        guard.close();

        assertThat(interrupted).isTrue();
        assertThat(guard.fired()).isTrue();
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(50)).isLessThan(Duration.ofSeconds(5));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anInterruptDecidedBeforeCloseButDeliveredAfterItDoesNotSurvive() throws Exception {
        // The poller has decided to fire and is held before interrupting: close must wait for the
        // interrupt and clear it, or the thread's next task starts interrupted.
        CountDownLatch decided = new CountDownLatch(1);
        watchdog.beforeInterrupt = () -> {
            decided.countDown();
            sleepUninterruptibly(100);
        };
        DeadlineWatchdog.Guard guard = watchdog.start(Duration.ZERO);
        assertThat(decided.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).as("not yet delivered").isFalse();

        guard.close();

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        // parkNanos, unlike sleep, leaves an interrupt that lands meanwhile on the flag.
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(Thread.currentThread().isInterrupted()).as("nothing lands later either").isFalse();
    }

    @Test
    void aFailureToInterruptNeitherHangsTheGuardNorStopsThePoller() throws Exception {
        watchdog.beforeInterrupt = () -> {
            throw new IllegalStateException("cannot interrupt");
        };
        DeadlineWatchdog.Guard failed = watchdog.start(Duration.ZERO);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!failed.fired() && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        failed.close();
        assertThat(failed.fired()).as("the deadline still counts").isTrue();

        watchdog.beforeInterrupt = () -> { };
        DeadlineWatchdog.Guard next = watchdog.start(Duration.ofMillis(20));
        boolean interrupted = sleepUntilInterrupted();
        next.close();

        assertThat(interrupted).as("the poller lives on").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theIdlePollerWakesForANewGuard() throws Exception {
        watchdog.start(Duration.ofDays(1)).close();
        // Long enough for the poller to find no guard and park.
        Thread.sleep(100);

        DeadlineWatchdog.Guard guard = watchdog.start(Duration.ofMillis(20));
        boolean interrupted = sleepUntilInterrupted();
        guard.close();

        assertThat(interrupted).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aHugeLimitDoesNotOverflowIntoThePast() throws Exception {
        DeadlineWatchdog.Guard guard = watchdog.start(Duration.ofSeconds(Long.MAX_VALUE));
        Thread.sleep(50);
        guard.close();

        assertThat(guard.fired()).isFalse();
    }

    /** Waits up to 10 s; true when interrupted, with the flag set again as a worker wait leaves it. */
    private static boolean sleepUntilInterrupted() {
        try {
            Thread.sleep(10_000);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void sleepUninterruptibly(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                // Held on purpose: this stands for a poller slow to deliver.
            }
        }
    }
}
