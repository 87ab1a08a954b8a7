// The side panels and reactions: chat, questions and polls as the room socket sends them.
// Every text from the network goes in with textContent, never as HTML.

const STAFF = new Set(['host', 'moderator', 'speaker']);
export const isStaff = (role) => STAFF.has(role);

export const REACTIONS = [
  ['👏', 'Applause'], ['❤️', 'Love'], ['😂', 'Laugh'], ['🎉', 'Celebrate'], ['👍', 'Thumbs up'],
];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function timeOf(at) {
  const d = at ? new Date(at) : new Date();
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function meta(name, role, at, ...extra) {
  return el('div', { class: 'meta' },
    el('strong', { text: name || 'Someone' }),
    role ? el('span', { class: 'role', text: role }) : null,
    el('time', { datetime: at || '', text: timeOf(at) }),
    ...extra);
}

export class Panels {
  // me(): {person, role}; send(frame): sends on the room socket.
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.chat = document.getElementById('chat');
    this.questions = document.getElementById('questions');
    this.polls = document.getElementById('polls');
    this.voted = new Map(); // poll id → option index this page voted for
    this.bindForms();
    this.bindTabs();
    this.bindReactions();
  }

  bindForms() {
    const submitText = (formId, inputId, type) => {
      const form = document.getElementById(formId);
      const input = document.getElementById(inputId);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const text = input.value.trim();
        if (text && this.send({ type, text })) input.value = '';
      });
    };
    submitText('chat-form', 'chat-text', 'chat.send');
    submitText('question-form', 'question-text', 'question.ask');
    document.getElementById('poll-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const question = document.getElementById('poll-question').value.trim();
      const options = document.getElementById('poll-options').value.split('\n').map((s) => s.trim()).filter(Boolean);
      if (question && options.length >= 2 && this.send({ type: 'poll.create', poll: { question, options } })) {
        e.target.reset();
      }
    });
  }

  // Tabs follow the WAI-ARIA tabs pattern: arrow keys move between them.
  bindTabs() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    const select = (tab) => {
      for (const t of tabs) {
        const on = t === tab;
        t.setAttribute('aria-selected', String(on));
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
      }
      tab.focus();
    };
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => select(tab));
      tab.addEventListener('keydown', (e) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        if (step) select(tabs[(i + step + tabs.length) % tabs.length]);
      });
    });
  }

  bindReactions() {
    const box = document.getElementById('reaction-buttons');
    for (const [emoji, label] of REACTIONS) {
      const b = el('button', { type: 'button', 'aria-label': `React: ${label}`, text: emoji });
      b.addEventListener('click', () => this.send({ type: 'reaction.send', emoji }));
      box.append(b);
    }
  }

  setRole(role) {
    document.getElementById('poll-form').hidden = !isStaff(role);
  }

  addChat(m) {
    if (!m || !m.id) return;
    const extra = [];
    const { person, role } = this.me();
    if (isStaff(role) && m.person !== person && m.role === 'participant') {
      const invite = el('button', { type: 'button', class: 'small', text: 'Invite on stage', 'aria-label': `Invite ${m.name} on stage` });
      invite.addEventListener('click', () => this.send({ type: 'stage.invite', person: m.person }));
      extra.push(invite);
    }
    const li = el('li', { 'data-id': m.id }, meta(m.name, m.role, m.at, ...extra), el('p', { class: 'text', text: m.text }));
    this.replaceOrAppend(this.chat, li, m.id);
  }

  deleteChat(id) {
    const old = this.chat.querySelector(`li[data-id="${CSS.escape(id)}"]`);
    if (old) old.remove();
  }

  addQuestion(q) {
    if (!q || !q.id) return;
    const tags = [];
    if (q.private) tags.push(el('span', { class: 'role', text: 'private' }));
    if (q.answered_live) tags.push(el('span', { class: 'role', text: 'answered live' }));
    const li = el('li', { 'data-id': q.id }, meta(q.name, '', q.at, ...tags), el('p', { class: 'text', text: q.text }),
      q.answer ? el('p', { class: 'answer', text: q.answer }) : null);
    this.replaceOrAppend(this.questions, li, q.id);
  }

  replaceOrAppend(list, li, id) {
    const old = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
    if (old) old.replaceWith(li);
    else list.append(li);
    list.scrollTop = list.scrollHeight;
  }

  // A poll is open for answers while its status is "open"; results are shown always.
  showPoll(p) {
    if (!p || !p.id) return;
    const empty = this.polls.querySelector('.empty');
    if (empty) empty.remove();
    const counts = p.counts || [];
    const total = counts.reduce((a, b) => a + b, 0);
    const open = p.status === 'open' && !this.voted.has(p.id);
    const form = el('form', { class: 'poll', 'data-id': p.id });
    const fs = el('fieldset', {}, el('legend', { text: p.question }));
    (p.options || []).forEach((option, i) => {
      const n = counts[i] || 0;
      const pct = total ? Math.round((100 * n) / total) : 0;
      const id = `poll-${p.id}-${i}`;
      const meter = el('div', { class: 'bar-meter', role: 'img', 'aria-label': `${option}: ${n} votes, ${pct}%` }, el('span'));
      meter.firstChild.style.width = `${pct}%`;
      fs.append(el('div', { class: 'option' },
        open ? el('input', { type: 'radio', name: `poll-${p.id}`, id, value: String(i) }) : null,
        el('label', { for: id, text: `${option} — ${n} (${pct}%)` })), meter);
    });
    if (open) fs.append(el('button', { type: 'submit', text: 'Vote' }));
    else fs.append(el('p', { class: 'meta', text: p.status === 'open' ? 'Thanks for voting.' : `Poll ${p.status || 'closed'}.` }));
    form.append(fs);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const picked = form.querySelector('input:checked');
      if (!picked) return;
      const option = Number(picked.value);
      if (this.send({ type: 'poll.answer', id: p.id, option })) {
        this.voted.set(p.id, option);
        this.showPoll(p);
      }
    });
    const old = this.polls.querySelector(`form[data-id="${CSS.escape(p.id)}"]`);
    if (old) old.replaceWith(form);
    else this.polls.prepend(form);
  }

  showReaction(r) {
    if (!r || !r.emoji) return;
    const feed = document.getElementById('reaction-feed');
    const span = el('span', { text: r.emoji, title: r.name || '' });
    feed.append(span);
    setTimeout(() => span.remove(), 4000);
  }
}
