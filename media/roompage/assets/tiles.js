// The videos of the stage, each a tile labelled with its speaker's name. A shared screen (a
// stream the media service names "<person>:screen") is shown large, with the cameras beside it
// in a strip; without one, the cameras share the stage evenly.
import { el } from './dom.js';
import { t } from './i18n.js';

const SCREEN_SUFFIX = ':screen';
export const isScreen = (streamId) => streamId.endsWith(SCREEN_SUFFIX);
const personOf = (streamId) => (isScreen(streamId) ? streamId.slice(0, -SCREEN_SUFFIX.length) : streamId);

export class Tiles {
  // nameOf(person) is a person's display name, or '' when the page does not know it yet;
  // onSize(stream, width, height) is told the device pixels a video is shown at, whenever
  // that changes (the media node sends no better layer than the size needs).
  constructor({ box, nameOf, onSize }) {
    this.box = box;
    this.nameOf = nameOf;
    this.onSize = onSize || (() => {});
    this.sizes = new Map(); // stream id → "w×h" last reported
    this.observer = new ResizeObserver((entries) => {
      for (const e of entries) this.reportSize(e.target);
    });
  }

  reportSize(v) {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.round(v.clientWidth * ratio), h = Math.round(v.clientHeight * ratio);
    const key = `${w}x${h}`;
    if (this.sizes.get(v.dataset.stream) === key) return;
    this.sizes.set(v.dataset.stream, key);
    this.onSize(v.dataset.stream, w, h);
  }


  // add shows stream in a labelled tile (once) and returns its <video>; muted at first so
  // autoplay is always allowed.
  add(stream) {
    const old = this.box.querySelector(`video[data-stream="${CSS.escape(stream.id)}"]`);
    if (old) return old;
    const v = el('video', { 'data-stream': stream.id });
    v.autoplay = true;
    v.muted = true;
    v.playsInline = true;
    v.srcObject = stream;
    const tile = el('figure', { class: isScreen(stream.id) ? 'tile screen' : 'tile' }, v, el('figcaption'));
    if (isScreen(stream.id)) this.box.prepend(tile);
    else this.box.append(tile);
    this.label(tile);
    this.layout();
    this.observer.observe(v);
    v.play().catch(() => {});
    return v;
  }

  remove(v) {
    this.observer.unobserve(v);
    this.sizes.delete(v.dataset.stream);
    (v.closest('figure') || v).remove();
    this.layout();
  }

  videos() { return [...this.box.querySelectorAll('video')]; }

  // relabel writes every tile's caption again, after names became known.
  relabel() {
    for (const tile of this.box.querySelectorAll('figure.tile')) this.label(tile);
  }

  label(tile) {
    const id = tile.querySelector('video').dataset.stream;
    const name = this.nameOf(personOf(id));
    const screen = isScreen(id);
    const caption = name ? t(screen ? 'screen.of' : 'screen.camera_of', { Name: name }) : t(screen ? 'screen.of_someone' : 'stage.video_of_someone');
    tile.querySelector('figcaption').textContent = caption;
    tile.querySelector('video').setAttribute('aria-label', name ? t(screen ? 'screen.of' : 'stage.video_of', { Name: name }) : caption);
  }

  // layout puts a shared screen first and large, the cameras in a strip beside it.
  layout() {
    this.box.dataset.layout = this.box.querySelector('figure.screen') ? 'screen' : 'grid';
  }
}
