// Domains: each chain's head (seq, digest, signers, time) and its entries grouped by applier,
// with the verification verdict of the answering node; a key opens its history (history.js).
import {get} from './api.js';
import {fill, h, shortDigest, table, time} from './dom.js';
import {domainsOf} from './health.js';
import {history} from './history.js';

export default function domains(main, arg, params, app) {
  const list = h('nav', {class: 'domains', 'aria-label': 'Domains'});
  const head = h('section', {'aria-labelledby': 'head-h'});
  const entries = h('section', {'aria-labelledby': 'entries-h'});
  const detail = h('section', {class: 'history', 'aria-live': 'polite'});
  main.append(h('h1', {}, 'Domains'), list, head, entries, detail);
  const key = params.get('key');
  return {
    title: arg ? `Domain ${arg}` : 'Domains',
    async load() {
      const st = await get('/v1/status');
      const names = domainsOf(st);
      const domain = arg && names.includes(arg) ? arg : names.find(n => !n.startsWith('_')) || names[0];
      const headSeq = st.heads[domain]?.seq || 0;
      // the last 1,000 changesets: the head's signers, and the history of the key shown
      const [kv, chain, trust, audit] = await Promise.all([
        get(`/v1/kv/${encodeURIComponent(domain)}`),
        get(`/v1/changesets/${encodeURIComponent(domain)}?fromSeq=${Math.max(1, headSeq - 999)}&limit=1000`),
        get('/v1/trust'), get('/v1/audit')]);
      return {st, names, domain, kv, chain, trust, audit};
    },
    update({names, domain, kv, chain, trust, audit}) {
      fill(list, h('ul', {}, names.map(n => h('li', {},
        h('a', {href: `#/domains/${encodeURIComponent(n)}`, 'aria-current': n === domain ? 'page' : null}, n)))));
      const last = chain.changesets[chain.changesets.length - 1];
      const rule = trust.policy.domains?.[domain];
      const breaks = audit.breaks.filter(b => b.domain === domain);
      const verdict = breaks.length ? `broken: ${breaks.map(b => `seq ${b.seq}: ${b.code}: ${b.message}`).join('; ')}`
        : `verified by ${audit.node} from the genesis up to revision ${audit.revision}`;
      fill(head, h('h2', {id: 'head-h'}, `${domain}: head`),
        h('dl', {class: 'summary'},
          h('div', {}, h('dt', {}, 'Seq'), h('dd', {}, String(kv.head.seq))),
          h('div', {}, h('dt', {}, 'Digest'), h('dd', {}, h('code', {title: kv.head.digest}, shortDigest(kv.head.digest)))),
          h('div', {}, h('dt', {}, 'Signed by'), h('dd', {}, last ? last.changeset.signatures.map(x => shortDigest(x.keyid)).join(', ') : '—')),
          h('div', {}, h('dt', {}, 'Issued'), h('dd', {}, last ? time(last.changeset.body.issued) : '—')),
          h('div', {}, h('dt', {}, 'Threshold'), h('dd', {}, rule ? `${rule.threshold} of ${rule.keyids.length} keys` : 'the root keys')),
          h('div', {}, h('dt', {}, 'Chain'), h('dd', {class: breaks.length ? 'bad' : 'good'}, verdict))));
      const groups = new Map();
      for (const [k, v] of Object.entries(kv.values)) {
        const applier = k.split('/')[0];
        if (!groups.has(applier)) groups.set(applier, []);
        groups.get(applier).push([k, v]);
      }
      fill(entries, h('h2', {id: 'entries-h'}, `${domain}: entries`),
        groups.size ? [...groups].map(([applier, kvs]) => h('div', {class: 'group'},
          h('h3', {}, applier),
          table(`${domain} ${applier} entries`, ['Key', 'Value', 'Set at seq', 'Verification'], kvs.map(([k, v]) =>
            h('tr', {'data-key': k},
              h('th', {scope: 'row'}, h('a', {href: `#/domains/${encodeURIComponent(domain)}?key=${encodeURIComponent(k)}`,
                'aria-current': k === key ? 'true' : null}, k.slice(applier.length + 1))),
              h('td', {}, h('code', {class: 'value'}, JSON.stringify(v.value))),
              h('td', {}, String(v.seq)),
              h('td', {}, breaks.some(b => b.seq <= v.seq) ? h('span', {class: 'bad'}, 'chain broken') :
                h('span', {class: 'good'}, 'verified'))))))) : h('p', {}, 'No entries yet.'));
      fill(detail, key ? history(domain, key, chain, kv.values[key]) : h('p', {class: 'muted'}, 'Choose a key to see its history.'));
    },
  };
}
