// What the page shows about the event: its title, its start in the session's time zone (as
// the API wrote it, in the page's language) and in the visitor's own, the workspace's colour
// and logo, and the countdown while the session has not started. All of it comes from the
// join token's page claims, signed by the API; it is display only.
import { t, lang } from './i18n.js';

const $ = (id) => document.getElementById(id);
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export class EventInfo {
  // page: the token's "page" claims {t, at, tz, when, color, logo, org}, or {}.
  constructor(page) {
    this.page = page || {};
    this.timer = 0;
  }

  show() {
    const p = this.page;
    if (p.t) {
      $('title').textContent = p.t;
      document.title = p.t;
    }
    if (p.when) {
      $('when').textContent = t('when', { When: p.when });
      $('when').hidden = false;
    }
    const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (p.at && p.tz && visitorZone !== p.tz) {
      const local = new Intl.DateTimeFormat(lang, {
        weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
      }).format(new Date(p.at * 1000));
      $('local-when').textContent = t('your_time', { When: local });
      $('local-when').hidden = false;
    }
    if (HEX_COLOR.test(p.color || '')) {
      const root = document.documentElement.style;
      root.setProperty('--brand', p.color);
      root.setProperty('--on-brand', textOn(p.color));
    }
    if (/^https?:\/\//i.test(p.logo || '')) {
      $('logo').src = p.logo;
      $('logo').alt = t('logo', { Name: p.org || '' });
      $('logo').hidden = false;
    }
  }

  // wait shows the countdown to the start until stopWaiting.
  wait() {
    $('waiting').hidden = false;
    document.body.dataset.state = 'waiting';
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  stopWaiting() {
    clearInterval(this.timer);
    this.timer = 0;
    $('waiting').hidden = true;
  }

  tick() {
    const left = Math.floor((this.page.at || 0) - Date.now() / 1000);
    $('countdown').textContent = left > 0 ? t('wait.starts_in', { Time: remaining(left) }) : t('wait.any_moment');
  }
}

// remaining writes a number of seconds as days, hours, minutes and seconds, the largest first.
function remaining(s) {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  if (d > 0) return t('wait.days', { Days: d, Hours: h, Minutes: pad(m) });
  if (h > 0) return t('wait.hours', { Hours: h, Minutes: pad(m), Seconds: pad(s % 60) });
  return t('wait.minutes', { Minutes: m, Seconds: pad(s % 60) });
}

// textOn is black or white, whichever reads better on a background of colour c (WCAG
// relative luminance).
function textOn(c) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(c.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#10131a' : '#ffffff';
}
