/**
 * The HTTP API (DESIGN.md §7) on Javalin: submissions, reads, watch (SSE), members, health
 * and Prometheus metrics, with one error shape mapped from the error table.
 *
 * <p>Metrics use the Prometheus Java client: {@code Exposition} is one process's registry (JVM,
 * process, build, TLS expiry) and text exposition, shared by a server and an edge agent;
 * {@code Metrics} adds a server's Raft and API figures, {@code AgentCounters} the agent's. Each
 * process reports only what it saw or did, never the replicated alerts, so nothing is counted
 * once per node. These classes load no Javalin: the edge agent serves them with the JDK's HTTP
 * server ({@code dev.cscs.server.MetricsListener}).
 *
 * <p>The dashboard ({@code UiRoutes}, files in {@code ui/} beside this package's resources) is a
 * client of this same API and nothing more: plain script modules with no build step, reading
 * with GETs and following the watch. It holds no state on the server and has no route of its
 * own beyond its files, so whatever it shows, {@code curl} can show too.
 */
package dev.cscs.server.api;
