/**
 * What an agent tells the cluster after each reconcile: the {@link dev.cscs.agent.status.StatusReport}
 * record, its JSON form (documented in {@code dev/cscs/agent/status.md}; the server stores it as
 * {@code _status/<node>} and {@code cscs status} renders it) and the
 * {@link dev.cscs.agent.status.StatusSink} it is handed to.
 *
 * <p>The JSON is a contract between agents and servers of possibly different versions: the
 * {@code format} field names its version, and the reader refuses anything it does not define
 * rather than guessing.
 */
package dev.cscs.agent.status;
