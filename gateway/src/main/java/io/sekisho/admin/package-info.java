/**
 * Operations around the running gateway: the admin listener ({@code admin.listen}) with
 * {@code /healthz}, {@code /readyz} and {@code /metrics}, the Micrometer meters behind
 * {@link io.sekisho.gateway.GatewayMetrics}, and the log format of {@code serve}
 * ({@code log.format}, {@code log.level}). ADR 0010.
 *
 * <p>What it must never do: be depended on by a stage or by the gateway (they record through
 * {@code GatewayMetrics} and log through slf4j); let a probe wait on, or take, an inspection
 * thread; change what a transfer gets. Micrometer, logback and the JDK's HTTP server are used
 * here and nowhere else (ArchitectureTest).
 */
package io.sekisho.admin;
