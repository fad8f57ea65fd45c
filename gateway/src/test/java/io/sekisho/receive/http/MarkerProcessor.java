package io.sekisho.receive.http;

import io.sekisho.transfer.TransferPart;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for inspection: blocks a request when a part contains {@link #BLOCK}, quarantines it
 * when one contains {@link #HOLD}, allows it otherwise; records what it saw.
 */
public final class MarkerProcessor implements UploadProcessor {
    public static final String BLOCK = "SEKISHO-TEST-SECRET";
    public static final String HOLD = "SEKISHO-TEST-HOLD";

    public record Seen(UploadRequest request, List<SeenPart> parts) {
    }

    public record SeenPart(String name, String type, String uninspectable, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final List<TunnelReport> tunnels = new CopyOnWriteArrayList<>();
    public final List<Integer> statuses = new CopyOnWriteArrayList<>();

    /**
     * The statuses once at least {@code count} are in: the proxy reports a status after the
     * response went out, so a client can read the response before the report arrives.
     */
    public List<Integer> awaitStatuses(int count) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (statuses.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return List.copyOf(statuses);
    }

    @Override
    public UploadOutcome clientToProxyRequest(UploadRequest request, List<TransferPart> parts) throws Exception {
        List<SeenPart> copies = new java.util.ArrayList<>();
        UploadOutcome outcome = UploadOutcome.allow();
        for (TransferPart p : parts) {
            byte[] b = p.content().bytes();
            copies.add(new SeenPart(p.name(), p.declaredType(), p.uninspectable(), b));
            String text = new String(b, StandardCharsets.ISO_8859_1);
            if (text.contains(BLOCK)) {
                outcome = new UploadOutcome.Block("The upload contains classified text (" + p.name() + ").", request.transferId());
            } else if (text.contains(HOLD) && outcome instanceof UploadOutcome.Allow) {
                outcome = new UploadOutcome.Quarantined("The upload needs a review.", request.transferId());
            }
        }
        seen.add(new Seen(request, copies));
        return outcome;
    }

    @Override
    public boolean wantsResponses() {
        return true;
    }

    @Override
    public void proxyToClientResponse(UploadRequest request, UploadOutcome outcome, int status) {
        statuses.add(status);
    }

    @Override
    public void uninspectedTunnel(TunnelReport report) {
        tunnels.add(report);
    }
}
