// A host's controls in the room, and everyone's own microphone and camera. A host (room.start_stop)
// goes live from the green room or ends the session: the media service passes these to the
// API, whose session workflow decides; the page learns the outcome from the usual frames (live,
// then bye). Anyone publishing mutes or unmutes their own microphone and camera and picks the
// devices; a new device replaces the track being sent, without renegotiating.
import { t } from './i18n.js';
import { can } from './rights.js';

const $ = (id) => document.getElementById(id);

export class HostControls {
  // deps: me(), send(frame), conn() the current Connection, preview() the camera MediaStream,
  // alert(text).
  constructor(deps) {
    this.d = deps;
    this.live = false;
    $('go-live').addEventListener('click', () => this.d.send({ type: 'session.start' }));
    $('end-session').addEventListener('click', () => {
      if (window.confirm(t('host.end_confirm'))) this.d.send({ type: 'session.stop' });
    });
    $('mute-mic').addEventListener('click', () => this.toggle('audio'));
    $('mute-cam').addEventListener('click', () => this.toggle('video'));
    $('mic-select').addEventListener('change', (e) => this.useDevice('audio', e.target.value));
    $('cam-select').addEventListener('change', (e) => this.useDevice('video', e.target.value));
  }

  setLive(live) {
    this.live = !!live;
    this.setRights();
  }

  setRights() {
    const host = can(this.d.me(), 'room.start_stop');
    $('go-live').hidden = !host || this.live;
    $('end-session').hidden = !host || !this.live;
  }

  // previewStarted shows the device controls for the stream now previewed (null: none).
  async previewStarted(stream) {
    $('devices').hidden = !stream;
    if (!stream) return;
    this.render();
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      return;
    }
    for (const [kind, id] of [['audioinput', 'mic-select'], ['videoinput', 'cam-select']]) {
      const current = stream.getTracks().find((tr) => tr.kind === kind.slice(0, 5));
      const chosen = current && current.getSettings().deviceId;
      const select = $(id);
      select.replaceChildren(...devices.filter((d) => d.kind === kind).map((d, i) => {
        const o = document.createElement('option');
        o.value = d.deviceId;
        o.textContent = d.label || t(kind === 'audioinput' ? 'host.mic_n' : 'host.cam_n', { N: i + 1 });
        o.selected = d.deviceId === chosen;
        return o;
      }));
    }
  }

  toggle(kind) {
    const stream = this.d.preview();
    if (!stream) return;
    for (const tr of stream.getTracks()) if (tr.kind === kind) tr.enabled = !tr.enabled;
    this.render();
  }

  render() {
    const stream = this.d.preview();
    for (const [kind, id, what] of [['audio', 'mute-mic', 'mic'], ['video', 'mute-cam', 'cam']]) {
      const tr = stream && stream.getTracks().find((x) => x.kind === kind);
      const muted = !!tr && !tr.enabled;
      $(id).textContent = t(muted ? `host.unmute_${what}` : `host.mute_${what}`);
      $(id).setAttribute('aria-pressed', String(muted));
    }
  }

  // useDevice switches kind to deviceId: the new track replaces the old one in the preview
  // and in what is being sent (RTCRtpSender.replaceTrack), keeping its muted state.
  async useDevice(kind, deviceId) {
    const stream = this.d.preview();
    if (!stream || !deviceId) return;
    let fresh;
    try {
      const media = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
      fresh = media.getTracks()[0];
    } catch (err) {
      this.d.alert(t('publisher.failed', { Error: err.name }));
      return;
    }
    const old = stream.getTracks().find((tr) => tr.kind === kind);
    if (old) {
      fresh.enabled = old.enabled;
      stream.removeTrack(old);
      old.stop();
    }
    stream.addTrack(fresh);
    const conn = this.d.conn();
    if (conn) await conn.replaceTrack(old, fresh);
  }
}
