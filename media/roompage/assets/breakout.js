// Breakout groups on the room page: a banner naming the group you are in, who is in it and
// who visits it, and for staff a button to visit each running group. The group's audio and
// video reach the page like the main stage's (the media service routes them, and removes the
// main stage's while you are in a group); this module says where you are, lets everyone in a
// group speak, and names the videos of the group's members.
import { el, button } from './dom.js';
import { t, roleName } from './i18n.js';
import { can } from './rights.js';

const $ = (id) => document.getElementById(id);
const MAIN_ROOM = ''; // breakout.visit back to the main room

export class Breakout {
  // me(): {person, role}; send(frame); moved(): called when you entered or left a group.
  constructor({ me, send, moved }) {
    this.me = me;
    this.send = send;
    this.moved = moved;
    this.group = null; // the breakout frame's group, null in the main room
  }

  inGroup() { return !!this.group; }

  // nameOf is the name of someone in your group (to label their video), or ''.
  nameOf(person) {
    const p = ((this.group && this.group.people) || []).find((x) => x.person === person);
    return p ? p.name || p.person : '';
  }

  // show applies a breakout frame's group (none: back in the main room).
  show(group) {
    const was = this.group ? this.group.id : MAIN_ROOM;
    this.group = group || null;
    this.renderBanner();
    document.body.dataset.breakout = this.group ? this.group.id : ''; // breakout.css
    if (was !== (this.group ? this.group.id : MAIN_ROOM)) this.moved();
  }

  renderBanner() {
    const box = $('breakout-banner');
    const g = this.group;
    box.hidden = !g;
    if (!g) {
      box.replaceChildren();
      return;
    }
    const me = this.me().person;
    const people = g.people || [];
    const mine = people.find((p) => p.person === me);
    const lines = [el('strong', { text: t('breakout_group.banner', { Name: g.name }) })];
    if (mine && mine.visiting) {
      lines.push(el('p', { text: t('breakout_group.visiting_you') }),
        button(t('breakout_group.back'), '', () => this.send({ type: 'breakout.visit', id: MAIN_ROOM }), 'secondary'));
    } else {
      lines.push(el('p', { text: t('breakout_group.note') }));
    }
    for (const v of people.filter((p) => p.visiting && p.person !== me)) {
      lines.push(el('p', { class: 'visitor', text: t('breakout_group.visitor', { Name: v.name || v.person, Role: roleName(v.role) }) }));
    }
    const names = people.filter((p) => !p.visiting).map((p) => p.name || p.person);
    if (names.length) lines.push(el('p', { class: 'meta', text: t('breakout_group.people', { Names: names.join(', ') }) }));
    box.replaceChildren(...lines);
  }

  // showGroups offers staff a visit to each running group (from the breakouts frame).
  showGroups(groups, running) {
    const box = $('breakout-visit');
    const allowed = can(this.me(), 'breakout.create_start');
    box.hidden = !(allowed && running && groups.length);
    const list = $('breakout-visit-list');
    list.replaceChildren(...(box.hidden ? [] : groups.map((g) =>
      el('li', { 'data-id': g.id }, button(t('breakout_group.visit', { Name: g.name }), '', () => this.send({ type: 'breakout.visit', id: g.id }))))));
  }
}
