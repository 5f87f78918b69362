/**
 * The distribution: the one {@code cscs} entry point, which registers {@code server},
 * {@code agent} and {@code demo} beside the CLI verbs, and the runnable jar built from it.
 * {@code cscs agent} goes through {@link dev.cscs.dist.AgentMain}, which builds that verb alone,
 * and is also the main class of the slim {@code cscs-agent.jar} an edge device runs (no Raft,
 * no HTTP server). {@link dev.cscs.dist.CdsTraining} is the training run of the CLI's
 * class-data archive. Packaging files (launcher, per-role JVM options, systemd units, .deb)
 * live beside this module's sources.
 */
package dev.cscs.dist;
