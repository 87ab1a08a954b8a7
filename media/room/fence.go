package room

// Fencing a node cut off from the store (media/placement's heartbeats). Once its heartbeats
// have failed for the node timeout, the API takes the node for dead and places each of its
// rooms on another node at the room's next join; a node that kept its rooms open would then
// hold part of an audience in a room that goes on elsewhere. So the node closes every room as
// at shutdown (pages reconnect, nobody is told the session ended) and refuses joins until a
// heartbeat goes through again; a refused page, after its retries, asks the API through the
// personal link, which places the room on a live node.

// SetFenced fences the node (closing its rooms) or lifts the fence.
func (rs *Rooms) SetFenced(fenced bool) {
	if rs.fenced.Swap(fenced) == fenced {
		return
	}
	if fenced {
		rs.log.Warn("media node fenced: closing its rooms and refusing joins until the store answers again")
		rs.CloseAll()
		return
	}
	rs.log.Info("media node fence lifted: joins are taken again")
}
