// The signaling connection and the one PeerConnection of the room page. The page is the
// polite side of "perfect negotiation": a server offer that crosses its own wins (the page's
// is rolled back, and offered again once the server's is answered), since the server (Pion)
// cannot roll back and drops the page's crossing offer.

export const SIGNAL_PATH = '/v1/signal';

// SIMULCAST_LAYERS are a camera's layers, lowest first, named as the media node expects (q, h,
// f): about 320×180, 640×360 and 1280×720 from a 720p capture. The browser drops the ones its
// capture is too small for; the codec stays the browser's first choice (VP8, or H.264).
export const SIMULCAST_LAYERS = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1500000 },
];

export class Connection {
  // handlers: onJoined(frame), onFrame(frame), onStream(stream), onClose(event).
  constructor({ session, token, handlers }) {
    this.session = session;
    this.token = token;
    this.h = handlers;
    this.ws = null;
    this.pc = null;
    this.queue = Promise.resolve(); // frames are applied one at a time, in order
    this.makingOffer = false;
    this.pendingCandidates = [];
    this.published = [];
  }

  open() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${SIGNAL_PATH}`);
    this.ws = ws;
    ws.addEventListener('open', () => this.send({ type: 'join', session: this.session, token: this.token }));
    ws.addEventListener('message', (e) => {
      this.queue = this.queue.then(() => this.receive(e.data)).catch((err) => console.warn('signal', err));
    });
    ws.addEventListener('close', (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.closePeer();
      this.h.onClose(e);
    });
  }

  close() {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'leaving');
    this.closePeer();
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  async receive(data) {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      return;
    }
    switch (f.type) {
      case 'joined':
        // The node's TURN servers, with credentials minted for this join, come with it and
        // before any offer: the PeerConnection is made with them, so they need no
        // setConfiguration (which Chromium answers with an ICE restart).
        if (!this.pc) this.startPeer(f.iceServers);
        this.h.onJoined(f);
        return;
      case 'offer':
        if (!this.pc) this.startPeer();
        return this.applyOffer(f.sdp);
      case 'answer':
        return this.applyAnswer(f.sdp);
      case 'candidate':
        return this.applyCandidate(f.candidate);
    }
    this.h.onFrame(f);
  }

  startPeer(iceServers = []) {
    const pc = new RTCPeerConnection({ iceServers });
    pc.addEventListener('connectionstatechange', () => console.info('peer connection', pc.connectionState));
    this.pc = pc;
    pc.addEventListener('track', (e) => {
      const stream = e.streams[0] || new MediaStream([e.track]);
      this.h.onStream(stream);
    });
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate) this.send({ type: 'candidate', candidate: e.candidate.toJSON() });
    });
    pc.addEventListener('negotiationneeded', () => this.offer());
  }

  closePeer() {
    if (this.pc) this.pc.close();
    this.pc = null;
    this.published = [];
    this.pendingCandidates = [];
  }

  async offer() {
    const pc = this.pc;
    try {
      this.makingOffer = true;
      await pc.setLocalDescription();
      // A server offer applied meanwhile rolled ours back: negotiationneeded comes again.
      if (pc.signalingState === 'have-local-offer') this.send({ type: 'offer', sdp: pc.localDescription.sdp });
    } catch (err) {
      console.warn('offer', err);
    } finally {
      this.makingOffer = false;
    }
  }

  async applyOffer(sdp) {
    const pc = this.pc;
    if (!pc) return;
    // Polite: an offer of ours in flight is rolled back by setRemoteDescription itself.
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await this.flushCandidates();
    await pc.setLocalDescription();
    this.send({ type: 'answer', sdp: pc.localDescription.sdp });
  }

  async applyAnswer(sdp) {
    const pc = this.pc;
    if (!pc || pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await this.flushCandidates();
  }

  // The server's candidates may arrive before any description we applied (an ignored offer):
  // they are kept until one is in place, since the server's ICE agent is the same for all.
  async applyCandidate(candidate) {
    if (!this.pc || !candidate) return;
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      console.warn('candidate', err);
    }
  }

  async flushCandidates() {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const c of pending) await this.applyCandidate(c);
  }

  // publish sends each track of stream on a transceiver of its own (never one the server
  // created to send us someone else's track). A camera goes out in three simulcast layers, so
  // the media node sends each viewer the one its tile size and bandwidth call for.
  publish(stream) {
    if (!this.pc) return false;
    for (const track of stream.getTracks()) {
      const init = { direction: 'sendonly', streams: [stream] };
      if (track.kind === 'video') init.sendEncodings = SIMULCAST_LAYERS;
      this.published.push(this.pc.addTransceiver(track, init));
    }
    return true;
  }

  unpublish() {
    for (const t of this.published) {
      if (this.pc) this.pc.removeTrack(t.sender);
    }
    this.published = [];
  }

  // publishTrack sends one more track (a shared screen) on a transceiver of its own, apart
  // from the camera's; unpublishTrack stops sending it.
  publishTrack(track, stream) {
    return this.pc ? this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }) : null;
  }

  unpublishTrack(transceiver) {
    if (this.pc && transceiver && this.pc.signalingState !== 'closed') this.pc.removeTrack(transceiver.sender);
  }

  // replaceTrack sends fresh instead of old (another camera or microphone) without renegotiating.
  async replaceTrack(old, fresh) {
    const t = this.published.find((x) => x.sender.track === old || (!x.sender.track && x.receiver.track.kind === fresh.kind));
    if (t) await t.sender.replaceTrack(fresh);
  }
}

// claimsOf reads the (unverified) claims of a join token for display and expiry; the media
// service is what checks them.
export function claimsOf(token) {
  try {
    const payload = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}
