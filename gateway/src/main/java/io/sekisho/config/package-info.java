/**
 * Configuration of the gateway: the YAML file {@code sekisho serve --config FILE} reads, as typed
 * records validated at load.
 *
 * <p>Every option is declared once, in {@link io.sekisho.config.ConfigOptions}, with its type,
 * default and help text (mitmproxy's way); the loader, the error messages and the test that keeps
 * {@code deploy/sekisho.yaml} complete all read that one table. Unknown keys are errors, and every
 * error names the file, the line and the key. Relative paths resolve against the configuration
 * file's folder.
 *
 * <p>This package must never depend on a protocol library (Netty) or on a stage: the stages read
 * their settings from its records, never the other way round.
 */
package io.sekisho.config;
