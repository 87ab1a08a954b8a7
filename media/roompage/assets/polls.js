// Polls, reactions and calls to action.
import { el, button, put } from './dom.js';
import { can } from './rights.js';
import { t } from './i18n.js';

// The reactions the media service accepts, with what the buttons show (their names are the
// catalogue's room.reactions.<kind>).
const REACTIONS = [['clap', '👏'], ['love', '❤️'], ['laugh', '😂'], ['wow', '😮'], ['party', '🎉'], ['like', '👍']];

export class Polls {
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.list = document.getElementById('polls');
    this.voted = new Map(); // poll id → option index of this person's vote
    this.reactionsOn = false;
    this.bindCreate();
    this.bindReactions();
  }

  bindCreate() {
    document.getElementById('poll-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const text = document.getElementById('poll-question').value.trim();
      const options = document.getElementById('poll-options').value.split('\n').map((s) => s.trim()).filter(Boolean);
      if (text && options.length >= 2 && this.send({ type: 'poll.create', text, options })) e.target.reset();
    });
  }

  bindReactions() {
    const box = document.getElementById('reaction-buttons');
    this.buttons = new Map();
    for (const [kind, emoji] of REACTIONS) {
      const b = button(emoji, t('reactions.react', { Label: t(`reactions.${kind}`) }), () => this.send({ type: 'reaction.send', reaction: kind }), '');
      b.append(el('span', { class: 'count', text: '' }));
      this.buttons.set(kind, b);
      box.append(b);
    }
    document.getElementById('reactions-toggle').addEventListener('click', () => {
      this.send({ type: 'reactions.enable', enabled: !this.reactionsOn });
    });
  }

  setRights() {
    document.getElementById('poll-form').hidden = !can(this.me(), 'poll.create_send');
    document.getElementById('reactions-toggle').hidden = !can(this.me(), 'reactions.enable');
  }

  snapshot(f) {
    this.list.replaceChildren();
    for (const p of f.polls || []) this.show(p);
    if (!(f.polls || []).length) this.list.append(el('p', { class: 'empty', text: t('polls.none') }));
    this.showReactions(f.reactions);
  }

  // show renders a poll: a vote form while it is sent and not yet answered here, then live results.
  show(p) {
    if (!p || !p.id) return;
    const empty = this.list.querySelector('.empty');
    if (empty) empty.remove();
    if (Number.isInteger(p.mine)) this.voted.set(p.id, p.mine);
    const counts = p.counts || [];
    const total = counts.reduce((a, b) => a + b, 0);
    const voting = p.status === 'sent' && !this.voted.has(p.id);
    const form = el('form', { class: 'poll', 'data-id': p.id });
    const fs = el('fieldset', {}, el('legend', { text: p.question }));
    (p.options || []).forEach((option, i) => {
      const n = counts[i] || 0;
      const pct = total ? Math.round((100 * n) / total) : 0;
      const id = `poll-${p.id}-${i}`;
      const mine = this.voted.get(p.id) === i ? t('polls.your_vote') : '';
      const meter = el('div', { class: 'bar-meter', role: 'img', 'aria-label': t('polls.meter', { Option: option, Count: n, Percent: pct }) }, el('span'));
      meter.firstChild.style.width = `${pct}%`;
      fs.append(el('div', { class: 'option' },
        voting ? el('input', { type: 'radio', name: `poll-${p.id}`, id, value: String(i) }) : null,
        el('label', { for: id, text: t('polls.result', { Option: option, Count: n, Percent: pct }) + mine })), meter);
    });
    if (voting) fs.append(el('button', { type: 'submit', text: t('polls.vote') }));
    fs.append(el('p', { class: 'meta', text: ['draft', 'sent', 'closed'].includes(p.status) ? t(`polls.${p.status}`) : '' }));
    if (can(this.me(), 'poll.create_send') && p.status !== 'closed') {
      const next = p.status === 'draft' ? ['poll.send', t('polls.send')] : ['poll.close', t('polls.close')];
      fs.append(button(next[1], t('polls.action_label', { Action: next[1], Question: p.question }), () => this.send({ type: next[0], id: p.id })));
    }
    form.append(fs);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const picked = form.querySelector('input:checked');
      if (!picked) return;
      const option = Number(picked.value);
      if (this.send({ type: 'poll.answer', id: p.id, option })) {
        this.voted.set(p.id, option);
        this.show(p);
      }
    });
    put(this.list, form, p.id, { first: true });
  }

  showReactions(r) {
    if (!r) return;
    this.reactionsOn = !!r.enabled;
    for (const [kind, b] of this.buttons) {
      b.disabled = !r.enabled;
      const n = (r.counts || {})[kind] || 0;
      b.querySelector('.count').textContent = n ? ` ${n}` : '';
    }
    document.getElementById('reactions-state').textContent = r.enabled ? '' : t('reactions.off');
    document.getElementById('reactions-toggle').textContent = t(r.enabled ? 'reactions.turn_off' : 'reactions.turn_on');
  }

  // showCTA shows a call to action; only http(s) links are made clickable.
  showCTA(cta) {
    const box = document.getElementById('cta');
    if (!cta || !cta.text) {
      box.hidden = true;
      return;
    }
    const parts = [el('p', { text: cta.text })];
    if (/^https?:\/\//i.test(cta.url || '')) {
      const link = el('a', { href: cta.url, target: '_blank', rel: 'noopener noreferrer', text: t('cta.open') });
      // The click is counted for the session's report (and this person's engagement score).
      link.addEventListener('click', () => { if (cta.id) this.send({ type: 'cta.click', id: cta.id }); });
      parts.push(link);
    }
    box.replaceChildren(...parts);
    box.hidden = false;
  }
}
