/**
 * Transport security: the cluster CA and node certificates, TLS material for gRPC, Jetty and
 * HTTP clients, and the checks and explanations that make certificate problems readable.
 */
package dev.cscs.core.tls;
