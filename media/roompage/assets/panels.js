// The side panels: chat, questions and the people list, as the room socket sends them.
import { el, button, meta, put, removeItem, isStaff } from './dom.js';

export class Panels {
  // me(): {person, role}; send(frame): sends on the room socket, false when disconnected.
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.chat = document.getElementById('chat');
    this.questions = document.getElementById('questions');
    this.people = document.getElementById('people');
    this.bindComposer('chat-form', 'chat-text', 'chat.send');
    this.bindComposer('question-form', 'question-text', 'question.ask');
    this.bindTabs();
  }

  bindComposer(formId, inputId, type) {
    const input = document.getElementById(inputId);
    document.getElementById(formId).addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (text && this.send({ type, text })) input.value = '';
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

  // snapshot renders what the joined frame says the room already holds.
  snapshot(f) {
    this.chat.replaceChildren();
    this.questions.replaceChildren();
    for (const m of f.chats || []) this.addChat(m);
    for (const q of f.questions || []) this.addQuestion(q);
  }

  addChat(m) {
    if (!m || !m.id) return;
    const { person, role } = this.me();
    const tools = [];
    if (isStaff(role)) {
      if (m.person !== person && m.role === 'participant') {
        tools.push(button('Invite on stage', `Invite ${m.name} on stage`, () => this.send({ type: 'stage.invite', person: m.person })));
      }
      tools.push(button('Delete', `Delete the message of ${m.name}`, () => this.send({ type: 'chat.delete', id: m.id })));
    }
    put(this.chat, el('li', { 'data-id': m.id }, meta(m.name, m.role, m.at, ...tools), el('p', { class: 'text', text: m.text })), m.id);
    this.chat.scrollTop = this.chat.scrollHeight;
  }

  deleteChat(id) { removeItem(this.chat, id); }

  deleteQuestion(id) { removeItem(this.questions, id); }

  addQuestion(q) {
    if (!q || !q.id) return;
    const tags = [];
    if (q.private) tags.push(el('span', { class: 'role', text: 'private' }));
    if (q.answered_live) tags.push(el('span', { class: 'role', text: 'answered live' }));
    const li = el('li', { 'data-id': q.id }, meta(q.name, '', q.at, ...tags), el('p', { class: 'text', text: q.text }),
      q.answer ? el('p', { class: 'answer', text: q.answer }) : null);
    if (isStaff(this.me().role)) li.append(this.questionTools(q));
    put(this.questions, li, q.id);
    this.questions.scrollTop = this.questions.scrollHeight;
  }

  // questionTools are the staff's answer form and buttons under a question.
  questionTools(q) {
    const inputId = `answer-${q.id}`;
    const input = el('input', { id: inputId, maxlength: '1000', autocomplete: 'off', required: '' });
    const form = el('form', { class: 'composer answer-form' },
      el('label', { for: inputId, text: `Answer to ${q.name}` }), input, el('button', { type: 'submit', class: 'small', text: 'Answer' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (text) this.send({ type: 'question.answer', id: q.id, text });
    });
    const buttons = el('div', { class: 'meta' },
      q.answered_live ? null : button('Answered live', `Mark the question of ${q.name} answered live`, () => this.send({ type: 'question.answer_live', id: q.id })),
      button('Delete', `Delete the question of ${q.name}`, () => this.send({ type: 'question.delete', id: q.id })));
    return el('div', {}, q.answer ? null : form, buttons);
  }

  // showPeople lists who is in the room; staff can invite participants on stage from here.
  showPeople(people) {
    this.peopleList = people;
    this.people.replaceChildren();
    const staff = isStaff(this.me().role);
    for (const p of people) {
      const li = el('li', { 'data-id': p.person_id }, el('span', { text: p.name || p.person_id }),
        el('span', { class: 'role', text: p.on_stage ? `${p.role}, on stage` : p.role }));
      if (staff && p.role === 'participant' && p.person_id !== this.me().person) {
        li.append(p.on_stage
          ? button('Remove from stage', `Remove ${p.name} from stage`, () => this.send({ type: 'stage.remove', person: p.person_id }))
          : button('Invite on stage', `Invite ${p.name} on stage`, () => this.send({ type: 'stage.invite', person: p.person_id })));
      }
      this.people.append(li);
    }
    document.getElementById('people-count').textContent = String(people.length);
  }

  // onStageChanged keeps the people list's stage marks current between participants frames.
  onStageChanged(person, onStage) {
    const p = (this.peopleList || []).find((x) => x.person_id === person);
    if (!p || p.on_stage === onStage) return;
    p.on_stage = onStage;
    this.showPeople(this.peopleList);
  }
}
