/**
 * The {@code cscs} command line: one class per verb in {@code command}, the one printer, the
 * one exit-code mapping (through {@link dev.cscs.core.error.ErrorCode}), and passphrase input.
 * The HTTP client the online verbs share is in {@code http}. The only use of cscs-agent is
 * {@code Appliers.validate}: {@code diff} and {@code apply} check values exactly as the servers do.
 */
package dev.cscs.cli;
