// Slide decks on stage: the page everyone sees, large with the cameras beside it; paging
// buttons (and arrow keys) for those allowed stage.control_media; in the Manage tab, a
// picker of the session's decks (uploaded through the API). The media node decides who may
// do what; this only hides what the person may not use.
import { el, button } from './dom.js';
import { can } from './rights.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class Deck {
  // me(): {person, role, onStage}; send(frame) → whether it went out.
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.deck = null; // the deck frame's deck: {id, name, pages, page, person, url}
    this.image = el('img', { id: 'deck-image', class: 'deck-image', alt: '' });
    this.caption = el('span', { id: 'deck-caption', 'aria-live': 'polite' });
    this.prev = button(t('deck.previous'), '', () => this.go(-1), 'small');
    this.next = button(t('deck.next'), '', () => this.go(1), 'small');
    this.close = button(t('deck.close'), '', () => this.send({ type: 'deck.close' }), 'secondary');
    this.prev.id = 'deck-prev';
    this.next.id = 'deck-next';
    this.close.id = 'deck-close';
    this.controls = el('div', { class: 'controls', id: 'deck-controls' }, this.prev, this.next, this.close);
    this.figure = el('figure', { id: 'deck', class: 'deck', hidden: '' }, this.image,
      el('figcaption', {}, this.caption, this.controls));
    this.figure.addEventListener('keydown', (e) => this.key(e));
    this.image.addEventListener('load', () => { this.image.dataset.page = this.image.dataset.loading || ''; });
    $('videos').before(this.figure);
    this.buildPicker();
  }

  // buildPicker adds the Manage tab's form: choose a deck, show it.
  buildPicker() {
    this.choice = el('select', { id: 'deck-choice' });
    this.empty = el('p', { class: 'meta', id: 'deck-empty', text: t('deck.none_uploaded') });
    const refresh = button(t('deck.refresh'), '', () => this.send({ type: 'deck.list' }), 'small');
    this.form = el('form', { id: 'deck-form', class: 'stack', hidden: '' },
      el('fieldset', {}, el('legend', { text: t('deck.legend') }),
        el('label', { for: 'deck-choice', text: t('deck.choose') }), this.choice, this.empty,
        el('div', { class: 'controls' }, el('button', { type: 'submit', id: 'deck-show', text: t('deck.show') }), refresh)));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.choice.value) this.send({ type: 'deck.open', id: this.choice.value });
    });
    $('panel-manage').prepend(this.form);
    this.list([]);
  }

  // joined shows the deck on stage at join; the room's applyRole, which follows, asks for
  // the decks to pick from (the picker counts as newly shown).
  joined(f) {
    this.form.hidden = true;
    this.show(f.deck);
  }

  // setRights shows the picker and controls the person may use, after a role change.
  setRights() {
    const allowed = can(this.me(), 'stage.control_media');
    const wasHidden = this.form.hidden;
    this.form.hidden = !allowed;
    if (allowed && wasHidden) this.send({ type: 'deck.list' });
    this.show(this.deck);
  }

  // frame takes the room's deck and decks frames.
  frame(f) {
    if (f.type === 'decks') this.list(f.decks || []);
    else this.show(f.deck);
  }

  // list fills the picker with the session's decks.
  list(decks) {
    const chosen = this.choice.value;
    this.choice.replaceChildren(...decks.map((d) => el('option', { value: d.id, text: t('deck.option', { Name: d.name, Count: d.pages }) })));
    if (decks.some((d) => d.id === chosen)) this.choice.value = chosen;
    this.choice.hidden = !decks.length;
    this.empty.hidden = !!decks.length;
    $('deck-show').disabled = !decks.length;
  }

  // show puts the deck page on stage (or takes the deck off it): the caption at once, the
  // image as soon as it loads; the next page is fetched ahead so paging shows it at once.
  show(deck) {
    this.deck = deck && deck.id ? deck : null;
    const on = !!this.deck;
    this.figure.hidden = !on;
    $('videos').parentElement.classList.toggle('with-deck', on);
    if (!on) {
      this.image.removeAttribute('src');
      delete this.image.dataset.page;
      delete this.image.dataset.loading;
      return;
    }
    const { name, page, pages, url } = this.deck;
    this.caption.textContent = t('deck.caption', { Name: name, Page: page, Pages: pages });
    this.image.alt = t('deck.image', { Name: name, Page: page, Pages: pages });
    if (url && this.image.getAttribute('src') !== url + page) {
      this.image.dataset.loading = String(page);
      this.image.src = url + page;
      if (page < pages) new Image().src = url + (page + 1);
    }
    const mine = can(this.me(), 'stage.control_media');
    this.controls.hidden = !mine && !can(this.me(), 'stage.remove_presentation');
    this.prev.hidden = this.next.hidden = !mine;
    this.prev.disabled = page <= 1;
    this.next.disabled = page >= pages;
    this.close.hidden = !can(this.me(), 'stage.remove_presentation');
  }

  go(step) {
    if (!this.deck) return;
    const page = this.deck.page + step;
    if (page >= 1 && page <= this.deck.pages) this.send({ type: 'deck.page', page });
  }

  key(e) {
    if (!can(this.me(), 'stage.control_media')) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') this.go(1);
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') this.go(-1);
    else return;
    e.preventDefault();
  }
}
