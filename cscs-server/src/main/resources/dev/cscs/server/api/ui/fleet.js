// Fleet compliance: nodes × domains, worst rows first, with counts and filters on top and pages of
// PAGE rows, so a fleet of thousands renders as fast as a page of it.
import {get} from './api.js';
import {ago, fill, h, plural, table} from './dom.js';
import {CELL, CELL_LABEL, countBy, domainsOf, fleetRows, HEALTH, HEALTH_LABEL} from './health.js';

const PAGE = 50;

export default function fleet(main, arg, params, app) {
  const filters = {q: params.get('q') || '', health: params.get('health') || '', cell: params.get('cell') || '',
    page: Math.max(1, Math.floor(Number(params.get('page'))) || 1)};
  const counts = h('div', {class: 'counts', role: 'group', 'aria-label': 'Nodes by health'});
  const search = h('input', {type: 'search', id: 'f-q', value: filters.q, autocomplete: 'off', placeholder: 'node id contains…'});
  const health = h('select', {id: 'f-health'}, h('option', {value: ''}, 'any health'),
    HEALTH.map(x => h('option', {value: x}, HEALTH_LABEL[x])));
  const cell = h('select', {id: 'f-cell'}, h('option', {value: ''}, 'any domain state'),
    CELL.map(x => h('option', {value: x}, `a domain ${CELL_LABEL[x]}`)));
  health.value = filters.health;
  cell.value = filters.cell;
  const shownCount = h('p', {id: 'fleet-shown', role: 'status'});
  const grid = h('div', {class: 'grid'});
  const pager = h('nav', {class: 'pager', 'aria-label': 'Pages of the fleet'});
  main.append(h('h1', {}, 'Fleet compliance'), counts,
    h('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
      h('span', {}, h('label', {for: 'f-q'}, 'Node'), search),
      h('span', {}, h('label', {for: 'f-health'}, 'Health'), health),
      h('span', {}, h('label', {for: 'f-cell'}, 'Domains'), cell)),
    shownCount, grid, pager);
  let last = null;
  const changed = () => {
    filters.q = search.value.trim();
    filters.health = health.value;
    filters.cell = cell.value;
    filters.page = 1;
    remember();
    if (last) draw(last.data, last.now);
  };
  search.addEventListener('input', changed);
  health.addEventListener('change', changed);
  cell.addEventListener('change', changed);

  function remember() {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v && !(k === 'page' && v === 1)) p.set(k, v);
    app.setParams(p);
  }

  function draw({st, readAt}, now) {
    // the buttons are drawn anew: the one that had the focus gets it back
    const focused = document.activeElement?.dataset?.control;
    const rows = fleetRows(st, readAt, now);
    const domains = domainsOf(st).filter(d => d !== '_nodes');
    const byHealth = countBy(rows, r => r.health);
    fill(counts, h('button', {type: 'button', 'data-control': 'all', 'aria-pressed': String(!filters.health), onclick: () => pick('')},
      `all ${rows.length.toLocaleString('en')}`),
      HEALTH.filter(x => byHealth[x]).map(x => h('button', {type: 'button', class: `pill h-${x}`, 'data-control': x,
        'aria-pressed': String(filters.health === x), onclick: () => pick(x)}, `${HEALTH_LABEL[x]} ${byHealth[x].toLocaleString('en')}`)));
    const q = filters.q.toLowerCase();
    const match = rows.filter(r => (!q || r.node.toLowerCase().includes(q)) && (!filters.health || r.health === filters.health)
      && (!filters.cell || Object.values(r.cells).some(c => c.state === filters.cell)));
    const pages = Math.max(1, Math.ceil(match.length / PAGE));
    filters.page = Math.min(filters.page, pages);
    const from = (filters.page - 1) * PAGE;
    const page = match.slice(from, from + PAGE);
    shownCount.textContent = match.length ? `Showing ${from + 1}–${from + page.length} of ${plural(match.length, 'node')}`
      + (match.length < rows.length ? ` (filtered from ${rows.length.toLocaleString('en')})` : '') : 'No node matches the filters.';
    fill(grid, table('Nodes by domain', ['Node', 'Role', 'Health', 'Last seen', ...domains, 'Why'], page.map(r =>
      h('tr', {'data-node': r.node, 'data-health': r.health},
        h('th', {scope: 'row'}, r.node),
        h('td', {}, r.role),
        h('td', {}, h('span', {class: `pill h-${r.health}`}, HEALTH_LABEL[r.health])),
        h('td', {}, r.lastSeen ? ago(r.age) : 'never'),
        domains.map(d => cellOf(r.cells[d], d)),
        h('td', {class: 'why'}, r.reason || '')))));
    fill(pager,
      h('button', {type: 'button', 'data-control': 'previous', disabled: filters.page <= 1, onclick: () => turn(-1)}, 'Previous page'),
      h('span', {}, `page ${filters.page} of ${pages}`),
      h('button', {type: 'button', 'data-control': 'next', disabled: filters.page >= pages, onclick: () => turn(1)}, 'Next page'));
    if (focused) main.querySelector(`[data-control="${focused}"]:not([disabled])`)?.focus();
  }

  function pick(x) {
    health.value = x;
    changed();
  }

  function turn(by) {
    filters.page += by;
    remember();
    draw(last.data, last.now);
  }

  return {
    title: 'Fleet',
    async load() {
      return {st: await get('/v1/status'), readAt: Date.now()};
    },
    update(data, now) {
      last = {data, now};
      draw(data, now);
    },
  };
}

function cellOf(c, domain) {
  if (!c) return h('td', {class: 'cell c-none'}, h('span', {class: 'visually-hidden'}, CELL_LABEL.none), '–');
  const where = c.head === undefined ? `seq ${c.applied}` : `${c.applied}/${c.head}`;
  return h('td', {class: `cell c-${c.state}`, 'data-domain': domain, 'data-state': c.state,
    title: `${domain}: ${CELL_LABEL[c.state]}, applied seq ${c.applied}${c.head === undefined ? '' : ' of ' + c.head}`},
    `${CELL_LABEL[c.state]} ${where}`);
}
