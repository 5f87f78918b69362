// What the fleet view (GET /v1/status) means on screen. A row's health is the answering node's
// judgement, aged on this browser's clock since it was read: a node that went silent turns stale
// with no event to announce it. Each domain of a row becomes one cell.

/** Worst first; the same order as the server's. */
export const HEALTH = ['suspect', 'failing', 'lagging', 'stale', 'unknown', 'ok'];
export const HEALTH_LABEL = {suspect: 'suspect', failing: 'failing', lagging: 'behind', stale: 'stale', unknown: 'no report', ok: 'ok'};

export const CELL = ['failed', 'stale', 'behind', 'drift', 'sync'];
export const CELL_LABEL = {failed: 'failed', stale: 'stale', behind: 'behind', drift: 'drift corrected', sync: 'in sync', none: 'not applied here'};

/** The rows of {@code status}, read at {@code readAt} (ms), as they stand at {@code now} (ms). */
export function fleetRows(status, readAt, now) {
  const staleAfter = status.staleAfterSeconds ?? 180;
  const rows = status.nodes.map(n => row(n, (now - readAt) / 1000, staleAfter));
  rows.sort((a, b) => HEALTH.indexOf(a.health) - HEALTH.indexOf(b.health) || a.node.localeCompare(b.node));
  return rows;
}

function row(n, elapsed, staleAfter) {
  const age = n.ageSeconds === undefined ? Infinity : n.ageSeconds + elapsed;
  let health = n.health;
  if ((health === 'ok' || health === 'lagging') && age > staleAfter) health = 'stale';
  const appliers = n.appliers || [];
  const errors = n.errors || [];
  const failed = appliers.some(a => a.state === 'failed') || errors.some(e => !String(e.message).startsWith('drift: '));
  const drift = appliers.some(a => a.state === 'drift-corrected') || errors.some(e => String(e.message).startsWith('drift: '));
  const cells = {};
  for (const [domain, d] of Object.entries(n.domains || {})) {
    // the appliers render the configuration domains; _trust and _nodes are only verified and followed
    const applied = !domain.startsWith('_');
    const state = health === 'stale' ? 'stale' : failed && applied ? 'failed' : d.lag > 0 ? 'behind' : drift && applied ? 'drift' : 'sync';
    cells[domain] = {state, applied: d.applied, head: d.head, lag: d.lag || 0};
  }
  return {node: n.node, role: n.role, health, age, lastSeen: n.lastSeen, verified: n.verified, cells, appliers, errors,
    reason: n.reason || reasonOf(health, appliers, errors, age, staleAfter, cells)};
}

function reasonOf(health, appliers, errors, age, staleAfter, cells) {
  if (health === 'stale') return `not heard from for ${Math.round(age)} s (stale after ${staleAfter} s)`;
  if (health === 'lagging') {
    return Object.entries(cells).filter(([, c]) => c.lag > 0).map(([d, c]) => `${d}: applied seq ${c.applied} of ${c.head}`).join('; ');
  }
  // an applier's message starts with its name already
  const failed = appliers.filter(a => a.state === 'failed').map(a => a.message || `${a.applier} failed`);
  return failed.concat(errors.map(e => `${e.code}: ${e.message}`)).join('; ');
}

/** The domains that appear in {@code status}: the reserved ones last, the rest by name. */
export function domainsOf(status) {
  return Object.keys(status.heads || {}).sort((a, b) => (a.startsWith('_') - b.startsWith('_')) || a.localeCompare(b));
}

/** Count of each value of {@code key} among {@code items}. */
export function countBy(items, key) {
  const counts = {};
  for (const i of items) counts[key(i)] = (counts[key(i)] || 0) + 1;
  return counts;
}
