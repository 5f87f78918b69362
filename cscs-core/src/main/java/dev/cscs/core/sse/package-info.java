/** Server-Sent Events framing, shared by every client of the watch stream. */
package dev.cscs.core.sse;
