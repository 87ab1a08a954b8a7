// The personal link the page was opened with: the session and join token in the URL fragment,
// and the personal join link (rejoin) on the API that hands out a fresh token, on the node the
// API places the person on now.

// readLink reads the link. The fragment never reaches a server; it is kept for this tab only
// and taken out of the address bar so a shared screen or copied URL does not carry the token.
export function readLink() {
  const stored = JSON.parse(sessionStorage.getItem('onair.room') || '{}');
  const params = new URLSearchParams(location.hash.slice(1));
  const link = params.has('token')
    ? { session: params.get('session'), token: params.get('token'), rejoin: params.get('rejoin') || '' }
    : stored;
  if (link.token) {
    sessionStorage.setItem('onair.room', JSON.stringify(link));
    history.replaceState(null, '', location.pathname);
  }
  return link;
}

// revisit asks the API again through the personal link (a plain navigation), for a fresh token
// or another node; false when the page has no such link.
export function revisit(link) {
  if (!link.rejoin || !/^https?:\/\//.test(link.rejoin)) return false;
  sessionStorage.removeItem('onair.room');
  location.assign(link.rejoin);
  return true;
}
