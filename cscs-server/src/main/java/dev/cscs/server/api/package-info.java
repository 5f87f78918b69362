/**
 * The HTTP API (DESIGN.md §7) on Javalin: submissions, reads, watch (SSE), members, health
 * and Prometheus metrics, with one error shape mapped from the error table.
 */
package dev.cscs.server.api;
