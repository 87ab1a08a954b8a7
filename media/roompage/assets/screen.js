// Sharing one's screen beside the camera: the Share screen / Stop sharing button of those
// allowed on stage. The page tells the media service which track is the screen (screen.start)
// before sending it; stopping, by the button or the browser's own "Stop sharing", takes it
// off every page (screen.stop). The service refuses whoever may not publish.
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class ScreenShare {
  // deps: send(frame), conn() the current Connection, status(text), alert(text).
  constructor(deps) {
    this.d = deps;
    this.track = null;
    this.transceiver = null;
    this.sharing = new Map(); // person → name of who shares now (screens frames)
    $('screen-toggle').addEventListener('click', () => (this.track ? this.stop() : this.start()));
  }

  setRights(mayPublish) {
    $('screen-toggle').hidden = !mayPublish || !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia;
    if (!mayPublish) this.stop();
  }

  async start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (err) {
      if (err.name !== 'NotAllowedError') this.d.alert(t('screen.failed', { Error: err.name }));
      return;
    }
    const track = stream.getVideoTracks()[0];
    const conn = this.d.conn();
    if (!track || !conn || !this.d.send({ type: 'screen.start', id: track.id })) {
      for (const tr of stream.getTracks()) tr.stop();
      return;
    }
    this.track = track;
    this.transceiver = conn.publishTrack(track, stream);
    track.addEventListener('ended', () => this.stop()); // the browser's own "Stop sharing"
    this.render();
    this.d.status(t('screen.started'));
  }

  stop() {
    if (!this.track) return;
    const conn = this.d.conn();
    if (conn && this.transceiver) conn.unpublishTrack(this.transceiver);
    this.d.send({ type: 'screen.stop' });
    this.track.stop();
    this.track = null;
    this.transceiver = null;
    this.render();
    this.d.status(t('screen.stopped'));
  }

  // disconnected forgets the share: the PeerConnection that carried it is gone.
  disconnected() {
    if (this.track) this.track.stop();
    this.track = null;
    this.transceiver = null;
    this.render();
  }

  // show takes a screens frame's list: who shares now, for the captions.
  show(screens) {
    this.sharing = new Map((screens || []).map((s) => [s.person, s.name]));
  }

  nameOf(person) { return this.sharing.get(person) || ''; }

  render() {
    const b = $('screen-toggle');
    b.textContent = t(this.track ? 'screen.stop' : 'screen.start');
    b.setAttribute('aria-pressed', String(!!this.track));
  }
}
