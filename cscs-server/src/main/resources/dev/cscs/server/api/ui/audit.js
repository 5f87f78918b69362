// Audit: the answering node's verification of every chain from the genesis, per domain.
import {get} from './api.js';
import {fill, h, shortDigest, table} from './dom.js';

export default function audit(main) {
  const verdict = h('p', {class: 'verdict', role: 'status'});
  const chains = h('div');
  const breaks = h('section', {'aria-labelledby': 'breaks-h'});
  main.append(h('h1', {}, 'Audit'), verdict, chains, breaks);
  return {
    title: 'Audit',
    async load() {
      return get('/v1/audit');
    },
    update(a) {
      verdict.className = `verdict ${a.ok ? 'good' : 'bad'}`;
      verdict.textContent = a.ok ? `${a.node} verified all ${a.checked} chains from the genesis, up to revision ${a.revision.toLocaleString('en')}: every signature, threshold and link holds.`
        : `${a.node} found ${a.breaks.length} break(s) in its chains (up to revision ${a.revision.toLocaleString('en')}).`;
      fill(chains, table('Chains', ['Domain', 'Seq', 'Head digest', 'Verdict'], Object.entries(a.heads).map(([d, x]) => {
        const broken = a.breaks.filter(b => b.domain === d);
        return h('tr', {'data-domain': d},
          h('th', {scope: 'row'}, d),
          h('td', {}, String(x.seq)),
          h('td', {}, h('code', {title: x.digest}, shortDigest(x.digest))),
          h('td', {}, broken.length ? h('span', {class: 'bad'}, `broken at seq ${broken[0].seq}`) : h('span', {class: 'good'}, 'OK')));
      })));
      fill(breaks, a.breaks.length ? [h('h2', {id: 'breaks-h'}, 'Breaks'), table('Breaks', ['Domain', 'Seq', 'Code', 'Message'],
        a.breaks.map(b => h('tr', {}, h('th', {scope: 'row'}, b.domain), h('td', {}, String(b.seq)), h('td', {}, b.code), h('td', {}, b.message))))]
        : h('h2', {id: 'breaks-h', class: 'visually-hidden'}, 'No breaks'));
    },
  };
}
