// Alerts: suspect nodes with their evidence (forked or impossible chain heads, repeated hostile
// proposals), and the proposals the cluster refused, as recorded in the replicated log.
import {get} from './api.js';
import {fill, h, plural, table, time} from './dom.js';

export default function alerts(main) {
  const suspects = h('section', {'aria-labelledby': 'suspects-h'});
  const refused = h('section', {'aria-labelledby': 'refused-h'});
  main.append(h('h1', {}, 'Alerts'), suspects, refused);
  return {
    title: 'Alerts',
    async load() {
      const [a, st] = await Promise.all([get('/v1/alerts?limit=200'), get('/v1/status')]);
      return {a, st};
    },
    update({a, st}) {
      const forks = st.suspects.filter(x => x.evidence.some(e => /forked chain|claims seq/.test(e)));
      fill(suspects, h('h2', {id: 'suspects-h'}, 'Suspect nodes'),
        h('p', {}, st.suspects.length ? `${plural(st.suspects.length, 'node')} suspect; ${plural(forks.length, 'node')} with chain heads that disagree with the cluster's.`
          : 'No suspect node: every reported chain head fits the cluster\'s chains, and no origin keeps sending refused proposals.'),
        st.suspects.length ? table('Suspect nodes', ['Node', 'Evidence'], st.suspects.map(x =>
          h('tr', {'data-node': x.node}, h('th', {scope: 'row'}, x.node),
            h('td', {}, h('ul', {}, x.evidence.map(e => h('li', {}, e))))))) : null);
      const list = a.alerts.slice().reverse();
      const counts = Object.entries(a.rejections || {}).map(([code, n]) => `${code} ${n.toLocaleString('en')}`).join(', ');
      fill(refused, h('h2', {id: 'refused-h'}, 'Refused proposals'),
        h('p', {}, list.length ? `Newest first. All refusals by code: ${counts || 'none'}.` : 'No proposal has been refused.'),
        list.length ? table('Refused proposals', ['Time', 'Reason', 'Origin', 'Subject', 'Message', 'Repeats'], list.map(x =>
          h('tr', {'data-code': x.code, 'data-revision': x.revision},
            h('td', {}, time(x.time)),
            h('th', {scope: 'row'}, h('span', {class: `code ${x.code === 'autopilot' ? '' : 'bad'}`}, x.code)),
            h('td', {}, x.origin),
            h('td', {}, h('code', {class: 'value'}, x.subject)),
            h('td', {}, x.message),
            h('td', {}, String(x.repeated || 0))))) : null);
    },
  };
}
