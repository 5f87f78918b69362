/**
 * The one error table ({@link dev.cscs.core.error.ErrorCode}) and the one exit-code table
 * ({@link dev.cscs.core.error.ExitCode}). Every module reports failures through
 * {@link dev.cscs.core.error.CscsException}, so the CLI, the HTTP API, alerts and metrics
 * all speak the same stable codes.
 */
package dev.cscs.core.error;
