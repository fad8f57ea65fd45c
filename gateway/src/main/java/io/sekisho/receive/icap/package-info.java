/**
 * Receive, ICAP: Sekisho as the REQMOD service of a proxy in front (Squid's icap_service).
 *
 * <p>{@link io.sekisho.receive.icap.IcapServer} listens; {@code IcapDecoder} turns bytes into the
 * ICAP head, the encapsulated HTTP head and body chunks (preview and ieof understood);
 * {@code IcapSession} spools the body and asks the same
 * {@link io.sekisho.receive.http.UploadProcessor} the proxy uses, off the event loop.
 * {@code IcapReplies} is the one place where outcomes become ICAP responses.
 *
 * <p>What it must never do: answer 204 for a request it could not inspect (overload and failure
 * are ICAP 503, so the proxy's bypass setting decides, visibly); block an event loop.
 */
package io.sekisho.receive.icap;
