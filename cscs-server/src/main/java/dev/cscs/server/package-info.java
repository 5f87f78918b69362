/**
 * The daemon: configuration, lifecycle and logging, wiring the store, the HTTP API and the
 * agent together in one place ({@link dev.cscs.server.Daemon}). The HTTP API is in
 * {@code api}, the config file reader in {@code config}. The edge agent
 * ({@link dev.cscs.server.EdgeDaemon}) uses only the config, logging, {@code NodeSetup},
 * {@code NodeIdentity}, the metrics exposition and its own JDK-based metrics listener: the slim
 * {@code cscs-agent.jar} holds those and no Raft or HTTP server library.
 */
package dev.cscs.server;
