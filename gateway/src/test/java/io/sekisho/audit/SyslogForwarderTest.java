package io.sekisho.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogForwarderTest {
    @TempDir
    Path dir;

    @Test
    void framesARecordAsOctetCountedRfc5424() {
        byte[] frame = SyslogForwarder.frame("{\"seq\":1}", "gw 1", Instant.parse("2026-11-26T09:00:00.123456Z"));

        String s = new String(frame, StandardCharsets.UTF_8);
        String message = "<109>1 2026-11-26T09:00:00.123Z gw_1 sekisho - audit - {\"seq\":1}";
        assertThat(s).isEqualTo(message.length() + " " + message);
    }

    @Test
    void forwardsEveryDurableRecordToTheSiem() throws Exception {
        try (ServerSocket siem = new ServerSocket(0)) {
            List<String> received = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> readFrames(siem, received));
            reader.setDaemon(true);
            reader.start();
            SyslogForwarder forwarder = new SyslogForwarder("127.0.0.1", siem.getLocalPort(), null, 100, "gw-test");
            try (AuditLog log = AuditLog.open(dir, AuditLogOptions.defaults().withInstance("gw-test").withForwarder(forwarder))) {
                log.append(AuditFixtures.record(1));
                log.append(AuditFixtures.record(2));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (received.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            assertThat(received).hasSize(2);
            assertThat(received.get(0)).startsWith("<109>1 ").contains(" gw-test sekisho - audit - {\"seq\":1,\"type\":\"decision\"");
        }
    }

    @Test
    void aSiemThatIsDownNeverBlocksAppendsAndTheDropsAreRecorded() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        SyslogForwarder forwarder = new SyslogForwarder("127.0.0.1", closedPort, null, 2, "gw-test");
        long start = System.nanoTime();
        try (AuditLog log = AuditLog.open(dir, AuditLogOptions.defaults().withInstance("gw-test").withForwarder(forwarder))) {
            for (int i = 0; i < 50; i++) {
                log.append(AuditFixtures.record(i));
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        List<StoredRecord> drops = new ArrayList<>();
        AuditReader.forEach(dir, r -> {
            if (AdminEvent.SIEM_DROPPED.equals(r.json().path("event").asText())) {
                drops.add(r);
            }
        });
        assertThat(drops).singleElement().satisfies(r ->
                assertThat(r.json().path("details").path("dropped").asLong()).isGreaterThanOrEqualTo(48));
    }

    private static void readFrames(ServerSocket siem, List<String> received) {
        try (Socket s = siem.accept(); DataInputStream in = new DataInputStream(s.getInputStream())) {
            while (true) {
                StringBuilder length = new StringBuilder();
                for (int c; (c = in.read()) != ' '; ) {
                    if (c < 0) {
                        return;
                    }
                    length.append((char) c);
                }
                byte[] message = new byte[Integer.parseInt(length.toString())];
                in.readFully(message);
                received.add(new String(message, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The test is over.
        }
    }
}
