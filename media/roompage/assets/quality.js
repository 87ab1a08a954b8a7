// Connection quality: every few seconds the page reads its PeerConnection's statistics (round
// trip, loss both ways, jitter, available bitrate), shows a good / fair / poor badge and
// tells the node (a quality frame), which shows everyone's to the staff in the people list.
import { t } from './i18n.js';

const EVERY_MS = 5000;

// qualityLevel grades a measure. The loss thresholds are the node's too (media/room/quality.go),
// which keeps the worse of this level and what it sees of the person's downlink.
export function qualityLevel({ rtt_ms: rtt, loss, jitter_ms: jitter, out_kbps: out }, publishing) {
  const starved = (kbps) => publishing && out > 0 && out < kbps;
  if (loss >= 0.10 || rtt >= 400 || jitter >= 100 || starved(150)) return 'poor';
  if (loss >= 0.03 || rtt >= 200 || jitter >= 30 || starved(500)) return 'fair';
  return 'good';
}

// qualityText is a level and its figures as the badge and the people list say them.
export function qualityText(q) {
  const level = t(`quality.${q.level}`);
  return {
    level, label: t('quality.label', { Level: level }),
    details: t('quality.details', { RTT: Math.round(q.rtt_ms), Loss: (q.loss * 100).toFixed(1), Jitter: Math.round(q.jitter_ms), Out: Math.round(q.out_kbps) }),
  };
}

export class Quality {
  // pc() is the current RTCPeerConnection (or none); send(frame) reaches the node; badge shows it.
  constructor({ pc, send, badge }) {
    Object.assign(this, { pc, send, badge });
    this.last = null; // the previous counts, for loss over the last interval
  }

  start() {
    setInterval(() => this.measure().catch((e) => console.warn('quality', e)), EVERY_MS);
  }

  async measure() {
    const pc = this.pc();
    if (!pc || pc.connectionState !== 'connected') {
      this.badge.hidden = true;
      return;
    }
    const stats = await pc.getStats();
    let pair = null;
    const counts = { received: 0, lost: 0, sent: 0, remoteLost: 0 };
    let jitter = 0;
    let publishing = false;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
      if (s.type === 'inbound-rtp') {
        counts.received += s.packetsReceived || 0;
        counts.lost += Math.max(0, s.packetsLost || 0);
        jitter = Math.max(jitter, (s.jitter || 0) * 1000);
      }
      if (s.type === 'outbound-rtp') {
        counts.sent += s.packetsSent || 0;
        publishing = true;
      }
      if (s.type === 'remote-inbound-rtp') counts.remoteLost += Math.max(0, s.packetsLost || 0);
    });
    const prev = this.last || { received: 0, lost: 0, sent: 0, remoteLost: 0 };
    this.last = counts;
    const share = (lost, total) => (total > 0 ? Math.min(1, Math.max(0, lost / total)) : 0);
    const down = share(counts.lost - prev.lost, counts.received - prev.received + counts.lost - prev.lost);
    const up = share(counts.remoteLost - prev.remoteLost, counts.sent - prev.sent);
    const q = {
      rtt_ms: pair && pair.currentRoundTripTime ? pair.currentRoundTripTime * 1000 : 0,
      loss: Math.max(down, up), jitter_ms: jitter,
      out_kbps: pair && pair.availableOutgoingBitrate ? pair.availableOutgoingBitrate / 1000 : 0,
      in_kbps: pair && pair.availableIncomingBitrate ? pair.availableIncomingBitrate / 1000 : 0,
    };
    q.level = qualityLevel(q, publishing);
    this.show(q);
    this.send({ type: 'quality', quality: q });
  }

  show(q) {
    const text = qualityText(q);
    this.badge.textContent = text.label;
    this.badge.title = text.details;
    this.badge.dataset.level = q.level;
    this.badge.hidden = false;
  }
}
