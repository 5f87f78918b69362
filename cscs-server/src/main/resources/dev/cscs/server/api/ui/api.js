// The node's API as the dashboard reads it: GET only, from the node that served the page, each
// answered from that node's applied state (consistency=local: no Raft round trip per view, and a
// partitioned node still shows what it has).

export class ApiError extends Error {
  constructor(status, path, message) {
    super(`${path}: ${status ? 'HTTP ' + status + ': ' : ''}${message}`);
    this.status = status;
  }
}

export async function get(path) {
  const url = path + (path.includes('?') ? '&' : '?') + 'consistency=local';
  let r;
  try {
    r = await fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store'});
  } catch (e) {
    throw new ApiError(0, path, 'the node does not answer (' + e.message + ')');
  }
  if (!r.ok) {
    let message = r.statusText;
    try { message = (await r.json()).error.message; } catch { /* not our JSON: keep the status text */ }
    throw new ApiError(r.status, path, message);
  }
  return r.json();
}

/**
 * Follows /v1/watch: every committed changeset of every domain arrives as an event, and each one
 * tells the shown page to read its view again. Status reports and alerts are log entries but not
 * changesets, so a slow tick re-reads the view as well; it also ages the "last seen" of a node
 * that went silent, which no event would ever announce.
 */
const FOLLOW_UP_MS = 600;

export class Live {
  /** From {@code revision} on: what came before it is in the views already read. */
  constructor(revision, onChange, onState, tickMs = 2000) {
    this.onChange = onChange;
    this.onState = onState;
    this.revision = revision;
    this.source = new EventSource('/v1/watch?fromRevision=' + revision);
    this.source.addEventListener('open', () => this.onState('live'));
    this.source.addEventListener('error', () => this.onState(this.source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
    for (const type of ['changeset', 'snapshot']) {
      this.source.addEventListener(type, e => {
        this.revision = Math.max(this.revision, Number(e.lastEventId) || 0);
        this.onChange({type, revision: this.revision});
        // the agents apply a change within a second and report at once: read their reports then too
        clearTimeout(this.followUp);
        this.followUp = setTimeout(() => this.onChange({type: 'follow-up', revision: this.revision}), FOLLOW_UP_MS);
      });
    }
    this.timer = setInterval(() => { if (!document.hidden) this.onChange({type: 'tick', revision: this.revision}); }, tickMs);
  }
}
