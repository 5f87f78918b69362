/**
 * The distribution: the one {@code cscs} entry point, which registers {@code server},
 * {@code agent} and {@code demo} beside the CLI verbs, and the runnable jar built from it.
 * Packaging files (launcher, systemd unit, .deb) live beside this module's sources.
 */
package dev.cscs.dist;
