// The dashboard: one page per route (#/cluster, #/domains/NAME?key=K, #/fleet?health=&q=&page=,
// #/alerts, #/audit). A page builds its frame once and updates its data in place, so a live update
// keeps the reader's focus, filters and scroll position.
import {get, Live} from './api.js';
import {fill, h} from './dom.js';
import cluster from './cluster.js';
import domains from './domains.js';
import fleet from './fleet.js';
import alerts from './alerts.js';
import audit from './audit.js';

const PAGES = {cluster, domains, fleet, alerts, audit};
const main = document.getElementById('main');
const liveText = document.getElementById('live');

let shown = null;       // {name, key, view}
let loading = null;     // the load in flight
let again = false;      // a change arrived during it
let navigated = false;  // whether the page shown is not the first

function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  return {name: PAGES[name] ? name : 'cluster', arg: rest.map(decodeURIComponent).join('/'), params: new URLSearchParams(query || '')};
}

/** Sets the route's query without a new history entry (filters, paging). */
function setParams(params) {
  const r = route();
  const q = params.toString();
  history.replaceState(null, '', `#/${r.name}${r.arg ? '/' + encodeURIComponent(r.arg) : ''}${q ? '?' + q : ''}`);
}

function show() {
  const r = route();
  const key = r.name + '/' + r.arg + '?' + r.params.get('key');
  for (const a of document.querySelectorAll('.top nav a')) {
    if (a.getAttribute('href') === '#/' + r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (shown && shown.key === key) {
    refresh();
    return;
  }
  const page = PAGES[r.name];
  fill(main);
  shown = {name: r.name, key, view: page(main, r.arg, r.params, {setParams})};
  document.title = `${shown.view.title} · CSCS`;
  // a route change moves the focus to the new page; the first load leaves it at the top, skip link first
  if (navigated) main.focus({preventScroll: true});
  navigated = true;
  refresh();
}

async function refresh() {
  if (loading) {
    again = true;
    return;
  }
  const view = shown.view;
  loading = (async () => {
    try {
      const data = await view.load();
      if (shown.view === view) view.update(data, Date.now());
      problem(view, null);
    } catch (e) {
      problem(view, e);
    }
  })();
  await loading;
  loading = null;
  if (again) {
    again = false;
    refresh();
  }
}

/** One line on top of the page while the last read failed; the data shown stays as it was. */
function problem(view, e) {
  let el = main.querySelector('.problem');
  if (!e) {
    el?.remove();
    return;
  }
  if (!el) {
    el = h('p', {class: 'problem', role: 'alert'});
    main.prepend(el);
  }
  el.textContent = `Could not read the latest view: ${e.message}. Showing the last one read.`;
}

function liveState(state, revision) {
  liveText.dataset.state = state;
  liveText.textContent = state === 'live' ? `live · revision ${revision.toLocaleString('en')}`
    : state === 'reconnecting' ? 'reconnecting to the watch…' : 'the watch closed; reload the page';
}

function start() {
  window.addEventListener('hashchange', show);
  show();
  // the page is drawn first; the watch follows from the revision of a head-only read, the cheapest
  // answer that carries one (what changed in between, the next tick reads)
  Promise.all([get('/healthz'), get('/v1/changesets/_trust?limit=0')]).then(([me, trust]) => {
    document.getElementById('node').textContent = `node ${me.node}`;
    // only an event says the watch is up; the tick runs whatever the watch's state
    const live = new Live(trust.revision, change => {
      if (change.type !== 'tick') liveState('live', live.revision);
      refresh();
    }, state => liveState(state, live.revision));
  }, e => { liveText.textContent = e.message; });
}

start();
