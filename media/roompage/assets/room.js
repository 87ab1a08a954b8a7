// The room page: joins with the session and token from the URL fragment, shows the stage,
// lets those allowed on stage preview and publish, and wires the panels to the room socket.
import { Connection, claimsOf } from './signal.js';
import { Panels } from './panels.js';
import { Polls } from './polls.js';
import { StaffTools } from './staff.js';
import { isStaff } from './dom.js';
import { can } from './rights.js';
import { t, has, roleName } from './i18n.js';
import { EventInfo } from './event.js';
import { Tiles } from './tiles.js';
import { ScreenShare } from './screen.js';
import { HostControls } from './host.js';
import { Breakout } from './breakout.js';
import { Deck } from './deck.js';
import { Quality } from './quality.js';
import { readLink, revisit } from './link.js';

const RETRY_NOT_LIVE_MS = 5000;
const $ = (id) => document.getElementById(id);

// What each error code of the media service tells the person: the catalogue's
// room.error.<code> (messages_test checks that every code has one).
const explain = (code) => (has(`error.${code}`) ? t(`error.${code}`) : t('error.unknown', { Code: code }));
// Failed reconnects (1 + 2 + 4 s of backoff) before the page revisits its personal link.
const REJOIN_AFTER_FAILURES = 3;
// Join refusals that a retry with the same link cannot fix.
const FINAL = new Set(['room_full', 'room_closed', 'token_invalid', 'token_wrong_session', 'blocked', 'kicked', 'denied']);

class RoomPage {
  constructor(link) {
    this.link = link;
    const claims = claimsOf(link.token || '');
    this.me = { person: claims.pid || '', role: claims.role || '', name: claims.name || '', onStage: false };
    this.event = new EventInfo(claims.page);
    this.event.show();
    this.conn = null;
    this.lastError = '';
    this.ended = false;
    this.retries = 0;
    this.preview = null; // MediaStream from getUserMedia
    this.onStage = new Map(); // person → name
    this.recording = false;
    const deps = { me: () => this.me, send: (f) => this.send(f) };
    this.panels = new Panels(deps);
    this.polls = new Polls(deps);
    this.staff = new StaffTools({ ...deps, people: () => this.panels.peopleList || [] });
    const page = { conn: () => this.conn, status: (s) => this.status(s), alert: (s) => this.alert(s), preview: () => this.preview };
    this.screen = new ScreenShare({ ...deps, ...page });
    this.host = new HostControls({ ...deps, ...page });
    this.tiles = new Tiles({
      box: $('videos'), nameOf: (p) => this.nameOf(p),
      onSize: (stream, width, height) => this.conn && this.conn.send({ type: 'video.size', stream, width, height }),
    });
    this.breakout = new Breakout({ ...deps, moved: () => this.applyRole() });
    this.deck = new Deck(deps);
    this.quality = new Quality({ badge: $('quality'), pc: () => this.conn && this.conn.pc, send: (f) => this.conn && this.conn.send(f) });
    this.bindControls();
  }

  start() {
    if (!this.link.token || !this.link.session) {
      this.final(t('error.no_link'));
      return;
    }
    this.connect();
    this.quality.start();
  }

  connect() {
    this.lastError = '';
    if (document.body.dataset.state !== 'waiting') this.status(t('status.connecting'));
    this.conn = new Connection({
      session: this.link.session, token: this.link.token,
      handlers: {
        onJoined: (f) => this.joined(f),
        onFrame: (f) => this.frame(f),
        onStream: (s) => this.addStream(s),
        onClose: () => this.closed(),
      },
    });
    this.conn.open();
  }

  send(f) {
    if (this.conn && this.conn.send(f)) return true;
    this.alert(t('error.not_connected'));
    return false;
  }

  joined(f) {
    this.retries = 0;
    Object.assign(this.me, { person: f.person, role: f.role, name: f.name });
    this.showWho();
    this.event.stopWaiting();
    this.status(t(f.live ? 'status.live_joined' : 'status.green_room'));
    this.clearAlert();
    document.body.dataset.state = 'joined';
    document.body.dataset.live = String(!!f.live);
    this.panels.snapshot(f);
    this.deck.joined(f);
    this.applyRole();
    if (f.participants) this.showPeople(f.participants);
    this.polls.snapshot(f);
    this.polls.showCTA(f.cta);
    this.staff.showPresentation(f.presentation);
    this.staff.showBreakouts(f.breakouts || [], !!f.running);
    this.breakout.showGroups(f.breakouts || [], !!f.running);
    this.breakout.show(f.breakout);
    this.showRecording(f.recording);
    this.host.setLive(f.live);
    this.showScreens(f.screens);
  }

  // nameOf is a person's name as the page knows it: on stage, in the people list, sharing.
  nameOf(person) {
    const listed = (this.panels.peopleList || []).find((p) => p.person_id === person);
    return this.onStage.get(person) || (listed && listed.name) || this.screen.nameOf(person) || this.breakout.nameOf(person);
  }

  showScreens(screens) {
    this.screen.show(screens);
    this.tiles.relabel();
  }

  frame(f) {
    switch (f.type) {
      case 'error': return this.error(f);
      case 'live':
        document.body.dataset.live = 'true';
        this.host.setLive(true);
        return this.status(t('status.went_live'));
      case 'bye': return this.bye(f);
      case 'role': this.me.role = f.role; this.showWho(); return this.applyRole();
      case 'stage': return this.stage(f);
      case 'stage.invited': return this.invited(f);
      case 'stage.declined': return this.status(f.name ? t('stage.declined', { Name: f.name }) : t('stage.declined_someone'));
      case 'questions.private': return this.panels.setPrivate(f.enabled);
      case 'chat': return this.panels.addChat(f.chat);
      case 'chat.deleted': return this.panels.deleteChat(f.id);
      case 'question': return this.panels.addQuestion(f.question);
      case 'question.deleted': return this.panels.deleteQuestion(f.id);
      case 'participants': return this.showPeople(f.participants || []);
      case 'participants.quality': return this.panels.setQualities(f.qualities || []);
      case 'poll': return this.polls.show(f.poll);
      case 'reactions': return this.polls.showReactions(f.reactions);
      case 'cta': return this.polls.showCTA(f.cta);
      case 'presentation': return this.staff.showPresentation(f.presentation);
      case 'breakouts':
        this.breakout.showGroups(f.breakouts || [], !!f.running);
        return this.staff.showBreakouts(f.breakouts || [], !!f.running);
      case 'breakout':
        this.breakout.show(f.breakout);
        return this.status(f.breakout ? t('breakout.in', { Name: f.breakout.name }) : t('breakout.back'));
      case 'recording': return this.showRecording(f.recording);
      case 'screens': return this.showScreens(f.screens);
      case 'deck': case 'decks': return this.deck.frame(f);
    }
  }

  error(f) {
    this.lastError = f.code;
    if (f.code === 'publish_refused') this.stopPublishing();
    if (f.code === 'room_not_live') return; // not a fault: the page waits for the start (closed)
    if (f.code === 'stage_moved') return this.status(t('status.stage_moving')); // closed follows
    this.alert(explain(f.code));
  }

  bye(f) {
    this.ended = true;
    this.final(f.code ? explain(f.code) : t('status.elsewhere'));
  }

  // closed decides what follows a dropped socket: wait for the start, fetch a fresh token by
  // revisiting the personal link, stop for good, or reconnect with backoff.
  closed() {
    this.clearStage();
    if (this.ended) return;
    const code = this.lastError;
    if (code === 'room_not_live') {
      this.status(t('error.room_not_live'));
      this.event.wait();
      setTimeout(() => this.connect(), RETRY_NOT_LIVE_MS);
      return;
    }
    // Accepted on stage on an edge of the room: the API now seats this person on the room's
    // origin node, where they join on stage.
    if (code === 'stage_moved' && revisit(this.link)) return this.status(t('status.stage_moving'));
    if (code === 'token_expired' && revisit(this.link)) return this.status(t('status.refreshing'));
    if (code === 'node_unavailable' && revisit(this.link)) return this.status(t('status.refreshing'));
    if (FINAL.has(code) || code === 'token_expired' || code === 'stage_moved') {
      this.final(explain(code));
      return;
    }
    // A media node that stays unreachable may have died: the personal link asks the API again,
    // which places the room on a live node once the dead one's heartbeat is old.
    if (this.retries >= REJOIN_AFTER_FAILURES && navigator.onLine !== false && revisit(this.link)) return this.status(t('status.refreshing'));
    const delay = Math.min(30000, 1000 * 2 ** this.retries++);
    this.status(t('status.reconnecting', { Seconds: Math.round(delay / 1000) }));
    setTimeout(() => this.connect(), delay);
  }

  final(message) {
    this.ended = true;
    this.event.stopWaiting();
    this.status(t('status.disconnected'));
    this.alert(message);
    document.body.dataset.state = 'ended';
  }

  // Everyone in a breakout group may speak in it.
  mayPublish() {
    return isStaff(this.me.role) || this.me.onStage || this.breakout.inGroup();
  }

  // applyRole shows the controls the role and stage state allow, after either changed.
  applyRole() {
    this.polls.setRights();
    this.panels.setRights();
    this.staff.setRights();
    this.deck.setRights();
    if ($('tab-manage').hidden && $('tab-manage').getAttribute('aria-selected') === 'true') this.panels.selectTab($('tab-chat'));
    $('rec-toggle').hidden = !can(this.me, 'room.record');
    $('publisher').hidden = !this.mayPublish();
    if (!this.mayPublish()) this.stopPublishing();
    this.screen.setRights(this.mayPublish());
    this.host.setRights();
    this.renderStage();
  }

  stage(f) {
    if (f.onStage) this.onStage.set(f.person, f.name);
    else this.onStage.delete(f.person);
    if (f.person === this.me.person) {
      this.me.onStage = !!f.onStage;
      this.applyRole();
      if (!f.onStage) this.alert(t('stage.removed_you'));
    }
    this.renderStage();
    this.panels.onStageChanged(f.person, !!f.onStage);
  }

  // showRecording shows REC to everyone while the session is recorded (the host's button follows).
  showRecording(r) {
    this.recording = !!r && r.state === 'recording';
    $('rec').hidden = !this.recording;
    $('rec-toggle').textContent = t(this.recording ? 'rec.stop' : 'rec.start');
  }

  // showPeople lists who is in the room and who of them is on stage.
  showPeople(people) {
    this.panels.showPeople(people);
    this.staff.refresh();
    this.onStage = new Map(people.filter((p) => p.on_stage).map((p) => [p.person_id, p.name]));
    const mine = this.onStage.has(this.me.person);
    if (mine !== this.me.onStage) {
      this.me.onStage = mine;
      this.applyRole();
    }
    this.renderStage();
  }

  renderStage() {
    const list = $('on-stage');
    list.replaceChildren();
    for (const [person, name] of this.onStage) {
      const li = document.createElement('li');
      li.textContent = name || person;
      if (can(this.me, 'stage.remove') && person !== this.me.person) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'small';
        b.textContent = t('stage.remove');
        b.setAttribute('aria-label', t('stage.remove_label', { Name: name || person }));
        b.addEventListener('click', () => this.send({ type: 'stage.remove', person }));
        li.append(b);
      }
      list.append(li);
    }
    this.tiles.relabel();
  }

  invited(f) {
    $('invite-text').textContent = f.name ? t('invite.by', { Name: f.name }) : t('invite.by_someone');
    if ($('invite').hidden) this.focusBeforeInvite = document.activeElement;
    $('invite').hidden = false;
    $('invite-accept').focus();
  }

  // answerInvite accepts or declines, then gives the keyboard focus back where it was.
  answerInvite(type) {
    $('invite').hidden = true;
    this.send({ type });
    const back = this.focusBeforeInvite;
    this.focusBeforeInvite = null;
    if (back && back.isConnected && back !== document.body) back.focus();
    else $('tab-chat').focus();
  }

  bindControls() {
    $('invite-accept').addEventListener('click', () => this.answerInvite('stage.accept'));
    $('invite-decline').addEventListener('click', () => this.answerInvite('stage.decline'));
    $('invite').addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.answerInvite('stage.decline');
    });
    $('rec-toggle').addEventListener('click', () => this.send({ type: this.recording ? 'record.stop' : 'record.start' }));
    $('preview-start').addEventListener('click', () => this.startPreview());
    $('publish').addEventListener('click', () => this.publish());
    $('unpublish').addEventListener('click', () => this.stopPublishing());
    $('unmute').addEventListener('click', () => {
      for (const v of $('videos').querySelectorAll('video')) v.muted = false;
      $('unmute').hidden = true;
    });
  }

  async startPreview() {
    try {
      this.preview = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true });
    } catch (err) {
      this.alert(t('publisher.failed', { Error: err.name }));
      return;
    }
    $('preview').srcObject = this.preview;
    this.host.previewStarted(this.preview);
    $('preview-start').hidden = true;
    $('publish').disabled = false;
    $('publish').focus();
  }

  publish() {
    if (!this.preview || !this.conn || !this.conn.publish(this.preview)) return;
    $('publish').hidden = true;
    $('unpublish').hidden = false;
    $('unpublish').focus();
    this.status(t('publisher.on_stage'));
  }

  stopPublishing() {
    if (this.conn) this.conn.unpublish();
    if (this.preview) for (const track of this.preview.getTracks()) track.stop();
    this.preview = null;
    this.host.previewStarted(null);
    $('preview').srcObject = null;
    $('preview-start').hidden = false;
    $('publish').hidden = false;
    $('publish').disabled = true;
    $('unpublish').hidden = true;
  }

  // One labelled tile per remote stream (the server names streams after their publisher, a
  // screen after its sharer: tiles.js), with a button to turn the sound on.
  addStream(stream) {
    const fresh = !$('videos').querySelector(`video[data-stream="${CSS.escape(stream.id)}"]`);
    const v = this.tiles.add(stream);
    if (fresh) {
      stream.addEventListener('removetrack', () => {
        if (stream.getTracks().length === 0) this.removeVideo(v);
      });
    }
    $('no-video').hidden = true;
    if (stream.getAudioTracks().length) $('unmute').hidden = !v.muted;
  }

  removeVideo(v) {
    this.tiles.remove(v);
    const any = !!$('videos').querySelector('video');
    $('no-video').hidden = any;
    if (!any) $('unmute').hidden = true;
  }

  clearStage() {
    for (const v of $('videos').querySelectorAll('video')) this.removeVideo(v);
    this.screen.disconnected();
    this.stopPublishing();
    this.onStage.clear();
    this.renderStage();
  }

  showWho() {
    $('who').textContent = t('who', { Name: this.me.name || t('you'), Role: roleName(this.me.role) });
  }

  status(text) { $('status').textContent = text; }
  alert(text) { $('alert').textContent = text; $('alert').hidden = false; }
  clearAlert() { $('alert').hidden = true; $('alert').textContent = ''; }
}

new RoomPage(readLink()).start();
