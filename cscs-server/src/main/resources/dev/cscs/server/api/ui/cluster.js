// Cluster: the Raft members (voters and replicas) and the agents, as the answering node sees them:
// who leads, each member's health, when it was last heard from and how far behind it is.
import {get} from './api.js';
import {ago, fill, h, plural, s, table} from './dom.js';
import {countBy, fleetRows, HEALTH_LABEL} from './health.js';

export default function cluster(main) {
  const summary = h('dl', {class: 'summary'});
  const picture = h('figure', {class: 'topology'});
  const members = h('section', {'aria-labelledby': 'members-h'});
  const agents = h('section', {'aria-labelledby': 'agents-h'});
  main.append(h('h1', {}, 'Cluster'), summary, picture, members, agents);
  return {
    title: 'Cluster',
    async load() {
      const [m, st] = await Promise.all([get('/v1/members'), get('/v1/status')]);
      return {m, st, readAt: Date.now()};
    },
    update({m, st, readAt}, now) {
      const byNode = new Map(fleetRows(st, readAt, now).map(r => [r.node, r]));
      const top = Math.max(m.commitIndex, ...m.members.map(x => x.commitIndex ?? 0));
      const rows = m.members.map(x => ({...x, row: byNode.get(x.id),
        commitLag: x.commitIndex === undefined ? null : top - x.commitIndex}));
      const unhealthy = rows.filter(r => health(r) !== 'ok').length;
      fill(summary,
        h('div', {}, h('dt', {}, 'Leader'), h('dd', {}, m.leader || 'none known')),
        h('div', {}, h('dt', {}, 'Term'), h('dd', {}, String(m.term))),
        h('div', {}, h('dt', {}, `Commit index at ${m.self}`), h('dd', {}, m.commitIndex.toLocaleString('en'))),
        h('div', {}, h('dt', {}, 'Members'), h('dd', {}, unhealthy ? `${rows.length}, ${unhealthy} not ok` : `${rows.length}, all ok`)));
      fill(picture, topology(rows, m.leader, [...byNode.values()].filter(r => r.role === 'agent')),
        h('figcaption', {}, 'Members as ', m.self, ' sees them; the leader has the double ring.'));
      fill(members, h('h2', {id: 'members-h'}, 'Members'), table('Raft members',
        ['Member', 'Role', 'Health', `Raft contact (${m.self}'s link)`, 'Commit lag', 'Last status report', 'Raft address'],
        rows.map(r => h('tr', {'data-node': r.id, 'data-health': health(r)},
          h('th', {scope: 'row'}, r.id, r.leader ? h('span', {class: 'badge leader'}, 'leader') : null),
          h('td', {}, r.role),
          h('td', {}, pill(health(r))),
          h('td', {}, r.id === m.self ? 'this node' : r.lastContactMs === undefined ? 'no link' : `${r.lastContactMs.toLocaleString('en')} ms ago`),
          h('td', {}, r.commitLag === null ? 'unknown' : plural(r.commitLag, 'entry', 'entries')),
          h('td', {}, r.row ? ago(r.row.age) : 'never'),
          h('td', {}, h('code', {}, r.address))))));
      const edge = [...byNode.values()].filter(r => r.role === 'agent');
      const counts = countBy(edge, r => r.health);
      fill(agents, h('h2', {id: 'agents-h'}, 'Agents'),
        h('p', {}, edge.length ? `${plural(edge.length, 'edge agent')}: ` + Object.entries(counts)
          .map(([k, n]) => `${n.toLocaleString('en')} ${HEALTH_LABEL[k]}`).join(', ') + '. ' : 'No edge agent has reported. ',
        h('a', {href: '#/fleet'}, 'See the fleet')));
    },
  };
}

function health(member) {
  return member.row ? member.row.health : 'unknown';
}

function pill(health) {
  return h('span', {class: `pill h-${health}`}, HEALTH_LABEL[health]);
}

/** Voters on an arc, replicas below, the agents as one group; each labelled in text, not only in colour. */
function topology(rows, leader, edge) {
  const voters = rows.filter(r => r.role === 'voter');
  const others = rows.filter(r => r.role !== 'voter');
  const width = Math.max(320, 120 * Math.max(voters.length, others.length + (edge.length ? 1 : 0)));
  const place = (list, y) => list.map((r, i) => ({r, x: (width / (list.length + 1)) * (i + 1), y}));
  const top = place(voters, 50);
  const bottom = place(edge.length ? [...others, {id: 'agents', role: 'agents', group: edge}] : others, 150);
  const lines = [];
  for (const a of top) for (const b of top.concat(bottom)) if (a !== b && (a.r.leader || b.r.leader)) {
    lines.push(s('line', {x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'link'}));
  }
  const node = ({r, x, y}) => {
    const state = r.group ? (r.group.some(a => a.health !== 'ok') ? 'warn' : 'ok') : health(r);
    const label = r.group ? r.group.length.toLocaleString('en') : r.id;
    const sub = r.group ? `agents${state === 'ok' ? '' : ' · not all ok'}` : `${r.role} · ${HEALTH_LABEL[state]}`;
    return s('g', {class: `member h-${state}`, 'data-node': r.id},
      r.id === leader ? s('circle', {cx: x, cy: y, r: 30, class: 'leader-ring'}) : null,
      s('circle', {cx: x, cy: y, r: 24}),
      s('text', {x, y: y + 5, 'text-anchor': 'middle', class: 'id'}, label.length > 8 ? label.slice(0, 7) + '…' : label),
      s('text', {x, y: y + 44, 'text-anchor': 'middle', class: 'sub'}, sub));
  };
  const desc = rows.map(r => `${r.id}: ${r.role}${r.id === leader ? ', leader' : ''}, ${HEALTH_LABEL[health(r)]}`).join('; ');
  const height = others.length || edge.length ? 210 : 110;
  return s('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'topo-t'},
    s('title', {id: 'topo-t'}, `Topology: ${desc}; ${edge.length} agents`),
    lines, top.map(node), bottom.map(node));
}
