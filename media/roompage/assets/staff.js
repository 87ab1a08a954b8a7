// The Manage tab: call to action, presentation and breakout groups, each shown only to the
// roles rights.js allows (hidden, never merely disabled).
import { el } from './dom.js';
import { can } from './rights.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const MAIN_ROOM = ''; // breakout.move to the main room

export class StaffTools {
  // me(): {person, role, onStage}; send(frame); people(): the room's participants list.
  constructor({ me, send, people }) {
    this.me = me;
    this.send = send;
    this.people = people;
    this.groups = [];
    this.running = false;
    this.presentation = null; // what is presented on stage (a presentation frame's)
    this.bindForm('cta-form', () => ({ type: 'cta.send', text: $('cta-text').value.trim(), url: $('cta-url').value.trim() }));
    this.bindForm('presentation-form', () => ({ type: 'presentation.start', url: $('presentation-url').value.trim() }));
    this.bindForm('breakout-form', () => ({ type: 'breakout.create', names: $('breakout-names').value.split('\n').map((s) => s.trim()).filter(Boolean) }));
    this.bindForm('breakout-move', () => ({ type: 'breakout.move', person: $('breakout-person').value, id: $('breakout-group').value }));
    $('presentation-stop').addEventListener('click', () => this.send({ type: 'presentation.stop' }));
    $('breakout-start').addEventListener('click', () => this.send({ type: 'breakout.start' }));
    $('breakout-end').addEventListener('click', () => this.send({ type: 'breakout.end' }));
  }

  // bindForm sends frame() on submit (the browser has checked required fields and URL patterns).
  bindForm(id, frame) {
    $(id).addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.send(frame()) && id !== 'breakout-move') e.target.reset();
    });
  }

  setRights() {
    const me = this.me();
    const cta = can(me, 'cta.send');
    const present = can(me, 'stage.control_media');
    const breakouts = can(me, 'breakout.create_start');
    $('cta-form').hidden = !cta;
    $('presentation-form').hidden = !present;
    $('breakout-box').hidden = !breakouts;
    $('tab-manage').hidden = !(cta || present || breakouts);
    this.showPresentation(this.presentation);
  }

  // showPresentation links what is presented on stage (slides or a video; http(s) only) and
  // offers those allowed to stop it.
  showPresentation(p) {
    const ok = !!p && /^https?:\/\//i.test(p.url || '');
    this.presentation = ok ? p : null;
    $('presentation-stop').hidden = !(ok && can(this.me(), 'stage.remove_presentation'));
    const box = $('presentation');
    box.hidden = !ok;
    if (!ok) return;
    const a = el('a', { href: p.url, target: '_blank', rel: 'noopener noreferrer', text: t('presentation.open') });
    box.replaceChildren(t('presentation.shown'), a);
  }

  // showBreakouts lists the groups with their members and offers what comes next.
  showBreakouts(groups, running) {
    this.groups = groups;
    this.running = running;
    this.refresh();
  }

  // refresh redraws the groups with the current names (the people list changed).
  refresh() {
    const names = new Map(this.people().map((p) => [p.person_id, p.name || p.person_id]));
    const list = $('breakouts');
    list.replaceChildren();
    for (const g of this.groups) {
      const members = (g.members || []).map((m) => names.get(m) || m);
      list.append(el('li', { 'data-id': g.id }, el('strong', { text: g.name }),
        el('span', { class: 'meta', text: members.length ? members.join(', ') : t('breakout.nobody') })));
    }
    const participants = this.people().filter((p) => p.role === 'participant');
    fill($('breakout-person'), participants.map((p) => [p.person_id, p.name || p.person_id]));
    fill($('breakout-group'), [[MAIN_ROOM, t('breakout.main_room')], ...this.groups.map((g) => [g.id, g.name])]);
    $('breakout-move').hidden = !this.groups.length || !participants.length;
    $('breakout-start').hidden = !this.groups.length || this.running;
    $('breakout-end').hidden = !this.running;
    $('breakout-form').hidden = this.running; // groups are replaced only while not running
  }
}

// fill replaces a select's options, keeping the chosen one when it is still there.
function fill(select, options) {
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, text]) => el('option', { value, text })));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}
