// The side panels: chat, questions and the people list, as the room socket sends them. Staff
// controls are built only for those rights.js allows (hidden, never merely disabled).
import { el, button, meta, put, removeItem, isStaff } from './dom.js';
import { can } from './rights.js';
import { t, roleName } from './i18n.js';
import { qualityText } from './quality.js';

export class Panels {
  // me(): {person, role}; send(frame): sends on the room socket, false when disconnected.
  constructor({ me, send }) {
    this.me = me;
    this.send = send;
    this.chat = document.getElementById('chat');
    this.questions = document.getElementById('questions');
    this.people = document.getElementById('people');
    this.blocked = new Map(); // person → name, blocked from this page (they are gone from the list)
    this.questionData = new Map(); // id → question, to redraw the tools when rights change
    this.privateQuestions = false;
    this.bindComposer('chat-form', 'chat-text', 'chat.send');
    this.bindComposer('question-form', 'question-text', 'question.ask');
    this.bindTabs();
    document.getElementById('private-toggle').addEventListener('click', () => {
      this.send({ type: 'question.private', enabled: !this.privateQuestions });
    });
  }

  // setRights shows the controls the person's role (and stage state) allows.
  setRights() {
    const me = this.me();
    document.getElementById('private-toggle').hidden = !can(me, 'question.moderate');
    for (const q of this.questionData.values()) this.addQuestion(q);
    if (this.peopleList) this.showPeople(this.peopleList);
  }

  // setPrivate shows whether private questions are on (questions.private, joined).
  setPrivate(enabled) {
    this.privateQuestions = !!enabled;
    const toggle = document.getElementById('private-toggle');
    toggle.setAttribute('aria-pressed', String(this.privateQuestions));
    document.getElementById('questions-mode').textContent = t(this.privateQuestions ? 'questions.private_on' : 'questions.public');
    for (const q of this.questionData.values()) this.addQuestion(q);
  }

  // mayRead is question.read_private (§4 footnote 5): staff read every question; a participant
  // their own, and others' only while neither the room nor the question is private.
  mayRead(q) {
    const me = this.me();
    return isStaff(me.role) || q.person === me.person || (!this.privateQuestions && !q.private);
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
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute('aria-selected', String(on));
        other.tabIndex = on ? 0 : -1;
        document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
      }
      tab.focus();
    };
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => select(tab));
      tab.addEventListener('keydown', (e) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
        if (!step) return;
        for (let j = 1; j <= tabs.length; j++) {
          const next = tabs[(i + step * j + tabs.length * j) % tabs.length];
          if (!next.hidden) {
            select(next);
            return;
          }
        }
      });
    });
    this.selectTab = select;
  }

  // snapshot renders what the joined frame says the room already holds.
  snapshot(f) {
    this.chat.replaceChildren();
    this.questions.replaceChildren();
    this.questionData.clear();
    this.setPrivate(f.private_questions);
    for (const m of f.chats || []) this.addChat(m);
    for (const q of f.questions || []) this.addQuestion(q);
  }

  addChat(m) {
    if (!m || !m.id) return;
    const me = this.me();
    const tools = [];
    if (can(me, 'stage.invite') && m.person !== me.person && m.role === 'participant') {
      tools.push(button(t('people.invite'), t('people.invite_label', { Name: m.name }), () => this.send({ type: 'stage.invite', person: m.person })));
    }
    if (can(me, 'chat.moderate')) {
      tools.push(button(t('delete'), t('chat.delete_label', { Name: m.name }), () => this.send({ type: 'chat.delete', id: m.id })));
    }
    put(this.chat, el('li', { 'data-id': m.id }, meta(m.name, m.role, m.at, ...tools), el('p', { class: 'text', text: m.text })), m.id);
    this.chat.scrollTop = this.chat.scrollHeight;
  }

  deleteChat(id) { removeItem(this.chat, id); }

  deleteQuestion(id) {
    this.questionData.delete(id);
    removeItem(this.questions, id);
  }

  addQuestion(q) {
    if (!q || !q.id) return;
    this.questionData.set(q.id, q);
    if (!this.mayRead(q)) {
      removeItem(this.questions, q.id);
      return;
    }
    const tags = [];
    if (q.private) tags.push(el('span', { class: 'role', text: t('questions.tag_private') }));
    if (q.answered_live) tags.push(el('span', { class: 'role', text: t('questions.tag_answered_live') }));
    const li = el('li', { 'data-id': q.id }, meta(q.name, '', q.at, ...tags), el('p', { class: 'text', text: q.text }),
      q.answer ? el('p', { class: 'answer' }, el('span', { class: 'sr-only', text: t('questions.answer_sr') }), q.answer) : null);
    const tools = this.questionTools(q);
    if (tools) li.append(tools);
    put(this.questions, li, q.id);
    this.questions.scrollTop = this.questions.scrollHeight;
  }

  // questionTools are the staff's answer form and buttons under a question, as far as allowed.
  questionTools(q) {
    const me = this.me();
    const answer = can(me, 'question.answer') && !q.answer;
    const live = can(me, 'question.answer_live') && !q.answered_live;
    const remove = can(me, 'question.moderate');
    if (!answer && !live && !remove) return null;
    const inputId = `answer-${q.id}`;
    const input = el('input', { id: inputId, maxlength: '1000', autocomplete: 'off', required: '' });
    const form = el('form', { class: 'composer answer-form' },
      el('label', { for: inputId, text: t('questions.answer_label', { Name: q.name }) }), input, el('button', { type: 'submit', class: 'small', text: t('questions.answer') }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (text) this.send({ type: 'question.answer', id: q.id, text });
    });
    const buttons = el('div', { class: 'meta' },
      live ? button(t('questions.answered_live'), t('questions.answered_live_label', { Name: q.name }), () => this.send({ type: 'question.answer_live', id: q.id })) : null,
      remove ? button(t('delete'), t('questions.delete_label', { Name: q.name }), () => this.send({ type: 'question.delete', id: q.id })) : null);
    return el('div', {}, answer ? form : null, buttons);
  }

  // showPeople lists who is in the room with the stage and moderation buttons allowed. A
  // keyboard user's focus stays on the same button across redraws (or on the list when that
  // row is gone: they just kicked or blocked someone).
  showPeople(people) {
    this.peopleList = people;
    const focused = this.people.contains(document.activeElement) ? document.activeElement.dataset.act : '';
    this.people.replaceChildren();
    const me = this.me();
    for (const p of people) {
      const name = p.name || p.person_id;
      const li = el('li', { 'data-id': p.person_id }, el('span', { text: name }),
        el('span', { class: 'role', text: p.on_stage ? t('people.on_stage', { Role: roleName(p.role) }) : roleName(p.role) }));
      const quality = this.qualityMark(p.person_id);
      if (quality) li.append(quality);
      if (p.role === 'participant' && p.person_id !== me.person) {
        const tools = [
          p.on_stage
            ? can(me, 'stage.remove') && this.tool(p, 'stage.remove', t('stage.remove'), t('stage.remove_label', { Name: name }))
            : can(me, 'stage.invite') && this.tool(p, 'stage.invite', t('people.invite'), t('people.invite_label', { Name: name })),
          can(me, 'participant.kick') && this.tool(p, 'participant.kick', t('people.kick'), t('people.kick_label', { Name: name })),
          can(me, 'participant.block') && this.tool(p, 'participant.block', t('people.block'), t('people.block_label', { Name: name })),
        ];
        for (const b of tools) if (b) li.append(b);
      }
      this.people.append(li);
    }
    document.getElementById('people-count').textContent = String(people.length);
    if (focused) (this.people.querySelector(`[data-act="${CSS.escape(focused)}"]`) || this.people).focus();
  }

  // setQualities keeps everyone's connection quality (participants.quality, staff only) and
  // shows it in the people list.
  setQualities(list) {
    this.qualities = new Map(list.map((q) => [q.person, q]));
    if (this.peopleList) this.showPeople(this.peopleList);
  }

  qualityMark(person) {
    const q = this.qualities && this.qualities.get(person);
    if (!q) return null;
    const text = qualityText(q);
    return el('span', { class: 'quality', 'data-level': q.level, text: text.label, title: text.details });
  }

  tool(p, type, text, label) {
    const b = button(text, label, () => {
      if (!this.send({ type, person: p.person_id })) return;
      if (type === 'participant.block') this.addBlocked(p.person_id, p.name || p.person_id);
    });
    b.dataset.act = `${type}:${p.person_id}`;
    return b;
  }

  // The blocked are no longer in the room, so the page keeps those it blocked, to unblock them.
  addBlocked(person, name) {
    this.blocked.set(person, name);
    this.showBlocked();
  }

  showBlocked() {
    const list = document.getElementById('blocked');
    list.replaceChildren();
    for (const [person, name] of this.blocked) {
      list.append(el('li', { 'data-id': person }, el('span', { text: name }),
        button(t('people.unblock'), t('people.unblock_label', { Name: name }), () => {
          if (!this.send({ type: 'participant.unblock', person })) return;
          this.blocked.delete(person);
          this.showBlocked();
          this.people.focus();
        })));
    }
    document.getElementById('blocked-box').hidden = this.blocked.size === 0;
  }

  // onStageChanged keeps the people list's stage marks current between participants frames.
  onStageChanged(person, onStage) {
    const p = (this.peopleList || []).find((x) => x.person_id === person);
    if (!p || p.on_stage === onStage) return;
    p.on_stage = onStage;
    this.showPeople(this.peopleList);
  }
}
