package io.sekisho.audit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A gateway that writes audit records in a loop until it is killed: four threads append, and each
 * durable seq is printed, so the test knows what the log promised before the SIGKILL.
 * Arguments: log folder, private key file.
 */
public final class KilledWriterMain {
    private KilledWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        AuditLog log = AuditLog.open(Path.of(args[0]), AuditLogOptions.defaults().withInstance("gw-child")
                .withSigningKey(AuditKeys.readPrivateKey(Path.of(args[1])))
                .withCheckpoints(50, Duration.ofMillis(100)));
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    try {
                        Appended a = log.append(AuditFixtures.record(thread * 10_000_000 + i));
                        synchronized (System.out) {
                            System.out.println(a.seq());
                            System.out.flush();
                        }
                    } catch (AuditUnavailableException e) {
                        return;
                    }
                }
            });
            writer.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
