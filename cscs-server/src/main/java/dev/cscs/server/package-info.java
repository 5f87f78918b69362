/**
 * The daemon: configuration, lifecycle and logging, wiring the store, the HTTP API and the
 * agent together in one place ({@link dev.cscs.server.Daemon}). The HTTP API is in
 * {@code api}, the config file reader in {@code config}.
 */
package dev.cscs.server;
