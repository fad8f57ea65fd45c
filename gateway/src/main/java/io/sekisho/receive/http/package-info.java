/**
 * Receive, HTTP: Sekisho as the company's HTTP(S) forward proxy, with TLS interception.
 *
 * <p>{@link io.sekisho.receive.http.HttpProxyServer} listens; each connection's pipeline
 * ({@code HttpProxyInitializer}) is an idle timeout, the {@code RequestFramingGuard} (refuses
 * ambiguous framing: request smuggling), Netty's codec and {@code ProxyFrontendHandler}. A request
 * body is spooled to disk and handed, off the event loop, to an
 * {@link io.sekisho.receive.http.UploadProcessor} (the seam to inspection and policy, also used by
 * ICAP) as {@link io.sekisho.transfer.TransferPart}s made by {@link io.sekisho.receive.http.UploadParts}.
 * {@link io.sekisho.receive.http.HttpReplies} is the one place where outcomes become pages.
 * {@link io.sekisho.receive.http.InterceptionCa} is the CA behind intercepted TLS (ADR 0009).
 *
 * <p>What it must never do: let any byte of a body reach a destination before the processor
 * allowed it; forward bytes it did not parse (requests are re-serialised from their parsed form);
 * accept a request two parsers could frame differently; trust a destination's certificate without
 * verifying chain and host name; speak anything but HTTP/1.1 inside intercepted TLS; block an
 * event loop.
 */
package io.sekisho.receive.http;
