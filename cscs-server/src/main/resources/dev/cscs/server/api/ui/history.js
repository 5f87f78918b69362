// One key's history: every changeset among those read that put or deleted it, newest first, with
// the signers and the change as a line diff of the values' JSON.
import {h, shortDigest, time} from './dom.js';

export function history(domain, key, chain, current) {
  const steps = [];
  let before = null;
  for (const c of chain.changesets) {
    for (const op of c.changeset.body.ops) {
      if (op.key !== key) continue;
      const after = op.op === 'put' ? op.value : null;
      steps.push({c, op: op.op, before, after});
      before = after;
    }
  }
  const first = chain.changesets[0];
  return [
    h('h2', {}, `History of ${key}`),
    h('p', {class: 'muted'}, current ? `Now set (at seq ${current.seq}). ` : 'Not set now. ',
      first && first.seq > 1 ? `Changesets from seq ${first.seq} on are searched.` : 'Every changeset of the chain is searched.'),
    steps.length ? h('ol', {class: 'steps', reversed: true}, steps.reverse().map(step)) : h('p', {}, 'No changeset among those read touched this key.'),
  ];
}

function step({c, op, before, after}) {
  const b = c.changeset.body;
  return h('li', {},
    h('p', {}, h('strong', {}, `seq ${c.seq}`), ` · ${op} · revision ${c.revision} · `, time(b.issued),
      b.comment ? ` · “${b.comment}”` : ''),
    h('p', {class: 'muted'}, 'Signed by ', c.changeset.signatures.map(x => h('code', {title: x.keyid}, shortDigest(x.keyid))).flatMap((x, i) => i ? [', ', x] : [x]),
      ` · digest `, h('code', {title: c.digest}, shortDigest(c.digest))),
    diff(pretty(before), pretty(after)));
}

function pretty(v) {
  return v === null ? [] : JSON.stringify(v, null, 2).split('\n');
}

/** A line diff (longest common subsequence); removed lines marked "-", added "+". */
function diff(a, b) {
  const n = a.length, m = b.length;
  const lcs = Array.from({length: n + 1}, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const lines = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { lines.push(['same', '  ' + a[i]]); i++; j++; }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { lines.push(['add', '+ ' + b[j]]); j++; }
    else { lines.push(['del', '- ' + a[i]]); i++; }
  }
  return h('pre', {class: 'diff', tabindex: 0, 'aria-label': 'Change of the value'},
    lines.map(([kind, text]) => h('span', {class: kind}, text + '\n')));
}
