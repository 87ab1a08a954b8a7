// Small DOM helpers of the room page. Every text from the network goes in with textContent,
// never as HTML.
import { t, lang, roleName } from './i18n.js';

export const STAFF = new Set(['host', 'moderator', 'speaker']);
export const isStaff = (role) => STAFF.has(role);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

export function button(text, label, onClick, cls = 'small') {
  const b = el('button', { type: 'button', class: cls, text });
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

function timeOf(at) {
  const d = at ? new Date(at) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}

// meta is the "who, role, when" line above a chat message or question.
export function meta(name, role, at, ...extra) {
  return el('div', { class: 'meta' },
    el('strong', { text: name || t('someone') }),
    role ? el('span', { class: 'role', text: roleName(role) }) : null,
    el('time', { datetime: at || '', text: timeOf(at) }),
    ...extra);
}

// put replaces the list item with this data-id, or adds it at the end (or the start).
export function put(list, node, id, { first = false } = {}) {
  const old = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (old) old.replaceWith(node);
  else if (first) list.prepend(node);
  else list.append(node);
}

export function removeItem(list, id) {
  const old = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (old) old.remove();
}
