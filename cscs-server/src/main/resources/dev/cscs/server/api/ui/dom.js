// Building the page from data. Every value from the API enters the page as text (textContent or an
// attribute), never as markup: alert messages and subjects come from whoever sent a request.

const SVG = 'http://www.w3.org/2000/svg';

/** h('td', {class: 'x'}, 'text', child): an element with attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces what {@code el} holds. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table that scrolls sideways on a narrow screen; the region is focusable so a keyboard can scroll it. */
export function table(label, head, rows) {
  return h('div', {class: 'scroll', role: 'region', 'aria-label': label, tabindex: 0},
    h('table', {},
      h('caption', {class: 'visually-hidden'}, label),
      h('thead', {}, h('tr', {}, head.map(c => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows)));
}

export function shortDigest(d) {
  return d ? d.replace(/^sha256:/, '').slice(0, 12) : '';
}

export function plural(n, one, many = one + 's') {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** "4 s ago", "3 min ago", "2 h ago", "5 d ago". */
export function ago(seconds) {
  if (seconds < 0 || !Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function time(iso) {
  return iso ? h('time', {datetime: iso}, iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')) : '';
}
