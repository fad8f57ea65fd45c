package io.sekisho.gateway;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What keeping an inspection's deadline costs a transfer: the process's CPU time (every thread's,
 * so the watchdog's own wake-ups count) per arm-and-disarm of a 30 s deadline around a short
 * park that stands for the transfer, with nothing, with a {@link ScheduledThreadPoolExecutor}
 * (schedule an interrupt, cancel it) and with {@link DeadlineWatchdog}. A JMH average time would
 * miss the scheduler thread's wake-ups, which are the point. In this package because the
 * watchdog is the gateway's own, not an API.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.gateway.DeadlineWatchdogCost [threads] [transfers] [parkMicros]}.
 */
public final class DeadlineWatchdogCost {
    private interface Arm {
        AutoCloseable arm();
    }

    private DeadlineWatchdogCost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int transfers = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
        long parkNanos = TimeUnit.MICROSECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 300);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deadline-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        DeadlineWatchdog watchdog = new DeadlineWatchdog("deadline-poller", Duration.ofMillis(50));
        Arm nothing = () -> () -> { };
        Arm scheduled = () -> {
            ScheduledFuture<?> f = scheduler.schedule(Thread.currentThread()::interrupt, 30, TimeUnit.SECONDS);
            return () -> f.cancel(false);
        };
        Arm polled = () -> watchdog.start(Duration.ofSeconds(30));
        for (int round = 1; round <= 3; round++) {
            System.out.printf(Locale.ROOT, "round %d: nothing %.1f, scheduled executor %.1f, poller %.1f µs CPU per transfer%n",
                    round, cpuPerTransfer(nothing, threads, transfers, parkNanos),
                    cpuPerTransfer(scheduled, threads, transfers, parkNanos),
                    cpuPerTransfer(polled, threads, transfers, parkNanos));
        }
    }

    private static double cpuPerTransfer(Arm arm, int threads, int transfers, long parkNanos) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long start = os.getProcessCpuTime();
        Thread[] callers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            callers[i] = new Thread(() -> {
                for (int k = 0; k < transfers; k++) {
                    try (AutoCloseable guard = arm.arm()) {
                        LockSupport.parkNanos(parkNanos);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            callers[i].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        return (os.getProcessCpuTime() - start) / 1_000.0 / ((double) threads * transfers);
    }
}
