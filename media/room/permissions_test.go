package room_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/onairhq/onair/authz"
	"github.com/onairhq/onair/media/mediatest"
	"github.com/onairhq/onair/media/wire"
	"github.com/onairhq/onair/store"
)

// roomActor is the person trying an action: a session role, and for speakers whether they
// are on stage (§4 footnote ⁴).
type roomActor struct {
	name    string
	role    authz.SessionRole
	onStage bool
}

var roomActors = []roomActor{
	{"host", authz.SessionHost, false},
	{"moderator", authz.SessionModerator, false},
	{"speaker", authz.SessionSpeaker, false},
	{"speaker on stage", authz.SessionSpeaker, true},
	{"participant", authz.SessionParticipant, false},
}

// caseRoom is one fresh room per (action, actor): a host who sets things up ("boss"), the
// actor, a participant who watches ("watcher") and one who may be removed ("target").
type caseRoom struct {
	t                            *testing.T
	n                            *mediatest.Node
	session                      string
	boss, actor, watcher, target *mediatest.Client
	setupID                      string // what setup made: a chat line, question or poll id
}

// roomPermissionCase is one §4 room action: act has the actor try it; outcome checks what
// users observe, allowed or not (refusals have already been checked to name the action).
type roomPermissionCase struct {
	action authz.Action
	// spec is the §4 (and, for event actions in the room, §3) answer by actor name.
	spec map[string]bool
	// passive: the action is about what the actor sees, not a frame they send.
	passive bool
	setup   func(c *caseRoom)
	act     func(c *caseRoom)
	outcome func(c *caseRoom, allowed bool)
}

func staffOnly() map[string]bool {
	return map[string]bool{"host": true, "moderator": true, "speaker": true, "speaker on stage": true, "participant": false}
}

func everyone() map[string]bool {
	return map[string]bool{"host": true, "moderator": true, "speaker": true, "speaker on stage": true, "participant": true}
}

func teamOnly() map[string]bool {
	return map[string]bool{"host": true, "moderator": true, "speaker": false, "speaker on stage": false, "participant": false}
}

// Every §4 room action that is a room event, tried by every session role over the real
// WebSocket: allowed or refused exactly as the spec says, checked by what the other people in
// the room receive and what the store holds.
func TestRoomActionsFollowSpec(t *testing.T) {
	n := mediatest.StartNode(t)
	for i, tc := range roomPermissionCases() {
		for _, a := range roomActors {
			t.Run(fmt.Sprintf("%s/%s", tc.action, a.name), func(t *testing.T) {
				want := tc.spec[a.name]
				ctx := authz.RoomContext{Role: a.role, OnStage: a.onStage, PrivateQuestions: true}
				if got := authz.CanInRoom(ctx, tc.action).Allowed; got != want {
					t.Fatalf("authz says %v, the spec table says %v", got, want)
				}
				c := newCaseRoom(t, n, fmt.Sprintf("ses_perm_%d_%s", i, strings.ReplaceAll(a.name, " ", "_")), a)
				if tc.setup != nil {
					tc.setup(c)
				}
				tc.act(c)
				if !want && !tc.passive {
					c.actor.ExpectDenied(tc.action)
				}
				tc.outcome(c, want)
			})
		}
	}
}

func newCaseRoom(t *testing.T, n *mediatest.Node, session string, a roomActor) *caseRoom {
	n.Rooms.Open(session)
	t.Cleanup(func() { _ = n.Rooms.Close(session) })
	c := &caseRoom{t: t, n: n, session: session}
	c.boss = n.Join(t, session, "boss", authz.SessionHost)
	c.actor = n.Join(t, session, "actor", a.role)
	c.watcher = n.Join(t, session, "watcher", authz.SessionParticipant)
	c.target = n.Join(t, session, "target", authz.SessionParticipant)
	if a.onStage {
		c.boss.Send(wire.Frame{Type: wire.FrameStageInvite, Person: "actor"})
		c.actor.Expect(wire.FrameStageInvited)
		c.actor.Send(wire.Frame{Type: wire.FrameStageAccept})
		if f := c.watcher.Expect(wire.FrameStage); f.Person != "actor" || !*f.OnStage {
			t.Fatalf("stage frame %+v, want the actor on stage", f)
		}
	}
	return c
}

// watcherSaw returns whether the watcher received a frame of typ matching ok before a barrier.
func (c *caseRoom) watcherSaw(typ string, ok func(wire.Frame) bool) bool {
	c.actor.Sync()
	return mediatest.Seen(c.n.Barrier(c.t, c.boss, c.watcher)[0], typ, ok)
}

func (c *caseRoom) checkRows(model any, where string, want int, args ...any) {
	c.t.Helper()
	c.n.Flush(c.t, c.session)
	if got := c.n.Count(c.t, model, c.session, where, args...); got != want {
		c.t.Errorf("store holds %d %T rows (%s), want %d", got, model, where, want)
	}
}

// watcherAsks has the watcher ask text; setupID is the question's id.
func (c *caseRoom) watcherAsks(text string) {
	c.watcher.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: text})
	c.setupID = c.watcher.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == text }).ID
}

func ifAllowed(allowed bool, n int) int {
	if allowed {
		return n
	}
	return 0
}

func roomPermissionCases() []roomPermissionCase {
	return []roomPermissionCase{
		{action: authz.ChatReadAll, spec: everyone(),
			act: func(c *caseRoom) { c.actor.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "hello room"}) },
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcher.ExpectChat("hello room"); got.Person != "actor" || got.At == "" {
					c.t.Errorf("chat %+v", got)
				}
				c.checkRows((*store.ChatMessage)(nil), "person_id = 'actor'", 1)
			}},
		{action: authz.QuestionAsk, spec: everyone(),
			act: func(c *caseRoom) { c.actor.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "why?"}) },
			outcome: func(c *caseRoom, allowed bool) {
				c.boss.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "why?" && q.Person == "actor" })
				c.watcher.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "why?" }) // private mode is off
				c.checkRows((*store.Question)(nil), "person_id = 'actor'", 1)
			}},
		{action: authz.ChatModerate, spec: staffOnly(),
			setup: func(c *caseRoom) {
				c.watcher.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "rude"})
				c.setupID = c.watcher.ExpectChat("rude").ID
			},
			act: func(c *caseRoom) { c.actor.SendRoom(wire.FrameChatDelete, wire.RoomFields{ID: c.setupID}) },
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameChatDeleted, func(f wire.Frame) bool { return f.ID == c.setupID }); got != allowed {
					c.t.Errorf("watcher saw the deletion: %v", got)
				}
				c.checkRows((*store.ChatMessage)(nil), "deleted_at IS NOT NULL AND deleted_by = 'actor'", ifAllowed(allowed, 1))
			}},
		{action: authz.QuestionModerate, spec: staffOnly(),
			setup: func(c *caseRoom) { c.watcherAsks("off topic?") },
			act:   func(c *caseRoom) { c.actor.SendRoom(wire.FrameQuestionDelete, wire.RoomFields{ID: c.setupID}) },
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameQuestionDeleted, func(f wire.Frame) bool { return f.ID == c.setupID }); got != allowed {
					c.t.Errorf("watcher saw the deletion: %v", got)
				}
				c.checkRows((*store.Question)(nil), "deleted_at IS NOT NULL", ifAllowed(allowed, 1))
				// Private mode is question.moderate too.
				c.actor.SendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
				if !allowed {
					c.actor.ExpectDenied(authz.QuestionModerate)
				}
				if got := c.watcherSaw(wire.FrameQuestionsPrivate, nil); got != allowed {
					c.t.Errorf("watcher told private mode changed: %v", got)
				}
			}},
		{action: authz.QuestionAnswer, spec: staffOnly(),
			setup: func(c *caseRoom) { c.watcherAsks("how?") },
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FrameQuestionAnswer, wire.RoomFields{ID: c.setupID, Text: "like this"})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.Answer == "like this" }); got != allowed {
					c.t.Errorf("watcher saw the answer: %v", got)
				}
				c.checkRows((*store.Question)(nil), "answer = 'like this' AND answered_by = 'actor'", ifAllowed(allowed, 1))
			}},
		{action: authz.QuestionAnswerLive,
			spec:  map[string]bool{"host": true, "moderator": true, "speaker": false, "speaker on stage": true, "participant": false},
			setup: func(c *caseRoom) { c.watcherAsks("live?") },
			act:   func(c *caseRoom) { c.actor.SendRoom(wire.FrameQuestionLive, wire.RoomFields{ID: c.setupID}) },
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.AnsweredLive }); got != allowed {
					c.t.Errorf("watcher saw the live answer: %v", got)
				}
				c.checkRows((*store.Question)(nil), "answered_live", ifAllowed(allowed, 1))
			}},
		{action: authz.QuestionReadPrivate, spec: staffOnly(), passive: true,
			setup: func(c *caseRoom) {
				c.watcherAsks("asked in the open")
				c.actor.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "asked in the open" })
				c.boss.SendRoom(wire.FrameQuestionPrivate, wire.RoomFields{Enabled: boolPtr(true)})
				c.actor.Expect(wire.FrameQuestionsPrivate)
			},
			act: func(c *caseRoom) { c.watcherAsks("asked in private") },
			outcome: func(c *caseRoom, allowed bool) {
				got := mediatest.Seen(c.n.Barrier(c.t, c.boss, c.actor)[0], wire.FrameQuestion, func(f wire.Frame) bool { return f.Question.Text == "asked in private" })
				if got != allowed {
					c.t.Errorf("actor saw another's private question: %v", got)
				}
				// Everyone sees their own, and a late joiner sees only what they may.
				c.actor.SendRoom(wire.FrameQuestionAsk, wire.RoomFields{Text: "mine"})
				if q := c.actor.ExpectQuestion(func(q wire.QuestionView) bool { return q.Text == "mine" }); !q.Private {
					c.t.Errorf("question asked in private mode not marked private: %+v", q)
				}
				c.checkRows((*store.Question)(nil), "private", 2)
			}},
		{action: authz.PollCreateSend, spec: staffOnly(),
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Best day?", Options: []string{"Mon", "Fri"}})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if allowed {
					draft := c.actor.ExpectPoll(func(p wire.PollView) bool { return p.Status == store.PollDraft })
					c.actor.SendRoom(wire.FramePollSend, wire.RoomFields{ID: draft.ID})
				}
				if got := c.watcherSaw(wire.FramePoll, func(f wire.Frame) bool { return f.Poll.Status == store.PollSent }); got != allowed {
					c.t.Errorf("watcher saw a sent poll: %v", got)
				}
				c.checkRows((*store.Poll)(nil), "status = 'sent' AND sent_at IS NOT NULL", ifAllowed(allowed, 1))
			}},
		{action: authz.PollAnswer, spec: everyone(),
			setup: func(c *caseRoom) {
				c.boss.SendRoom(wire.FramePollCreate, wire.RoomFields{Text: "Tea?", Options: []string{"no", "yes"}})
				c.setupID = c.boss.ExpectPoll(func(p wire.PollView) bool { return true }).ID
				c.boss.SendRoom(wire.FramePollSend, wire.RoomFields{ID: c.setupID})
				c.actor.ExpectPoll(func(p wire.PollView) bool { return p.Status == store.PollSent })
			},
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FramePollAnswer, wire.RoomFields{ID: c.setupID, Option: intPtr(1)})
			},
			outcome: func(c *caseRoom, allowed bool) {
				c.watcher.ExpectPoll(func(p wire.PollView) bool { return p.Counts[1] == 1 })
				c.checkRows((*store.PollVote)(nil), "person_id = 'actor' AND option = 1", 1)
			}},
		{action: authz.ParticipantsReadHidden, spec: staffOnly(), passive: true,
			setup: func(c *caseRoom) {
				// The joins' list goes out peopleListDelay after them: let it leave before the
				// barrier, or on a slow machine it lands after it and looks sent while hidden.
				c.n.AwaitPeopleListSent(c.t, c.session)
				c.n.Barrier(c.t, c.boss, c.actor) // what the actor got before the tab was hidden
				c.boss.SendRoom(wire.FrameParticipantsHide, wire.RoomFields{Enabled: boolPtr(true)})
			},
			act: func(c *caseRoom) {
				late := c.n.Join(c.t, c.session, "late", authz.SessionParticipant)
				if late.Joined.Participants != nil {
					c.t.Errorf("a participant joining while the tab is hidden got the list %+v", *late.Joined.Participants)
				}
			},
			outcome: func(c *caseRoom, allowed bool) {
				got := mediatest.Seen(c.n.Barrier(c.t, c.boss, c.actor)[0], wire.FrameParticipants, nil)
				if got != allowed {
					c.t.Errorf("actor received the hidden participants list: %v", got)
				}
			}},
		{action: authz.CTASend, spec: staffOnly(),
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FrameCTASend, wire.RoomFields{Text: "Get the slides", URL: "https://example.com/slides"})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameCTA, func(f wire.Frame) bool { return f.CTA.URL == "https://example.com/slides" }); got != allowed {
					c.t.Errorf("watcher saw the CTA: %v", got)
				}
				c.checkRows((*store.RoomEvent)(nil), "kind = ?", ifAllowed(allowed, 1), store.RoomEventCTA)
			}},
		{action: authz.ParticipantBlock, spec: staffOnly(),
			act: func(c *caseRoom) { c.actor.Send(wire.Frame{Type: wire.FrameBlock, Person: "target"}) },
			outcome: func(c *caseRoom, allowed bool) {
				c.checkRemoved(allowed, wire.CodeBlocked)
				if !allowed {
					return
				}
				again := c.n.Dial(c.t, "target again")
				again.Send(wire.Frame{Type: wire.FrameJoin, Session: c.session, Token: c.n.Token(c.t, c.session, "target", authz.SessionParticipant)})
				again.ExpectError(wire.CodeBlocked)
				again.ExpectClosed()
			}},
		{action: authz.ParticipantKick, spec: teamOnly(),
			act: func(c *caseRoom) { c.actor.Send(wire.Frame{Type: wire.FrameKick, Person: "target"}) },
			outcome: func(c *caseRoom, allowed bool) {
				c.checkRemoved(allowed, wire.CodeKicked)
				if allowed {
					c.n.Join(c.t, c.session, "target", authz.SessionParticipant) // a kick is not a ban
				}
			}},
		{action: authz.ReactionsEnable, spec: teamOnly(),
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FrameReactionsEnable, wire.RoomFields{Enabled: boolPtr(true)})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FrameReactions, func(f wire.Frame) bool { return f.Reactions.Enabled }); got != allowed {
					c.t.Errorf("watcher told reactions are on: %v", got)
				}
				c.watcher.SendRoom(wire.FrameReactionSend, wire.RoomFields{Reaction: "clap"})
				if allowed {
					c.target.Expect(wire.FrameReactions) // enabled
					if f := c.target.Expect(wire.FrameReactions); f.Reactions.Counts["clap"] != 1 {
						c.t.Errorf("reaction counts %+v", f.Reactions)
					}
				} else {
					c.watcher.ExpectError(wire.CodeDisabled)
				}
				c.checkRows((*store.RoomEvent)(nil), "kind = ?", ifAllowed(allowed, 1), store.RoomEventReaction)
			}},
		{action: authz.StageControlMedia, spec: staffOnly(),
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/deck.pdf"})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FramePresentation, func(f wire.Frame) bool { return f.Presentation != nil }); got != allowed {
					c.t.Errorf("watcher saw the presentation: %v", got)
				}
			}},
		{action: authz.StageRemovePresentation, spec: staffOnly(),
			setup: func(c *caseRoom) {
				c.boss.SendRoom(wire.FramePresentationStart, wire.RoomFields{URL: "https://example.com/video.mp4"})
				c.watcher.Expect(wire.FramePresentation)
			},
			act: func(c *caseRoom) { c.actor.SendRoom(wire.FramePresentationStop, wire.RoomFields{}) },
			outcome: func(c *caseRoom, allowed bool) {
				if got := c.watcherSaw(wire.FramePresentation, func(f wire.Frame) bool { return f.Presentation == nil }); got != allowed {
					c.t.Errorf("watcher saw the presentation stop: %v", got)
				}
				c.checkRows((*store.RoomEvent)(nil), "kind = ?", ifAllowed(allowed, 1), store.RoomEventPresentationStop)
			}},
		{action: authz.BreakoutCreateStart, spec: teamOnly(),
			act: func(c *caseRoom) {
				c.actor.SendRoom(wire.FrameBreakoutCreate, wire.RoomFields{Names: []string{"Room A"}})
			},
			outcome: func(c *caseRoom, allowed bool) {
				if !allowed {
					if c.watcherSaw(wire.FrameBreakout, nil) {
						c.t.Error("watcher sent to a breakout by someone not allowed to")
					}
					return
				}
				c.actor.Expect(wire.FrameBreakouts)
				c.actor.SendRoom(wire.FrameBreakoutStart, wire.RoomFields{})
				if f := c.watcher.Expect(wire.FrameBreakout); f.Breakout == nil || f.Breakout.Name != "Room A" {
					c.t.Fatalf("breakout frame %+v, want Room A", f)
				}
				// Chat in a group stays in the group (the host stayed in the main room).
				c.watcher.SendRoom(wire.FrameChatSend, wire.RoomFields{Text: "in group"})
				c.target.ExpectChat("in group")
				if mediatest.Seen(c.n.Barrier(c.t, c.actor, c.boss)[0], wire.FrameChat, func(f wire.Frame) bool { return f.Chat.Text == "in group" }) {
					c.t.Error("a breakout group's chat reached the main room")
				}
				c.checkRows((*store.ChatMessage)(nil), "breakout_id <> '' AND text = 'in group'", 1)
				c.actor.SendRoom(wire.FrameBreakoutEnd, wire.RoomFields{})
				if f := c.watcher.Expect(wire.FrameBreakout); f.Breakout != nil {
					c.t.Fatalf("breakout frame %+v, want back in the main room", f)
				}
			}},
	}
}

// checkRemoved: when allowed the target is told (bye with code), disconnected and journaled;
// otherwise they are still in the room and were told nothing.
func (c *caseRoom) checkRemoved(allowed bool, code string) {
	c.t.Helper()
	kind := map[string]string{wire.CodeBlocked: store.RoomEventBlock, wire.CodeKicked: store.RoomEventKick}[code]
	if allowed {
		if f := c.target.Expect(wire.FrameBye); f.Code != code {
			c.t.Fatalf("bye frame %+v, want code %s", f, code)
		}
		c.target.ExpectClosed()
	} else if c.actor.Sync(); mediatest.Seen(c.n.Barrier(c.t, c.boss, c.target)[0], wire.FrameBye, nil) {
		c.t.Fatal("target removed by someone not allowed to")
	}
	inRoom := false
	for _, p := range c.n.Room(c.t, c.session).Participants() {
		inRoom = inRoom || p.PersonID == "target"
	}
	if inRoom == allowed {
		c.t.Errorf("target in the room: %v", inRoom)
	}
	c.checkRows((*store.RoomEvent)(nil), "kind = ? AND target_id = 'target' AND actor_id = 'actor'", ifAllowed(allowed, 1), kind)
}
