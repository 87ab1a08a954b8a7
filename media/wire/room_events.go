package wire

// Room-event frames on the signaling WebSocket (issue 6 item 4), each gated by spec §4. The
// browser room page is built against exactly these names; fields may be added, never renamed.
//
// Client → server (a refusal is an error frame with code "denied" naming the action):
//
//	chat.send {text}                      chat.read_all; over the rate limit: error rate_limited
//	chat.delete {id}                      chat.moderate
//	question.ask {text}                   question.ask
//	question.private {enabled}            question.moderate: private questions on/off
//	question.answer {id, text}            question.answer
//	question.answer_live {id}             question.answer_live (speakers only while on stage)
//	question.delete {id}                  question.moderate
//	poll.create {text, options}           poll.create_send: a draft, seen by staff
//	poll.send {id} / poll.close {id}      poll.create_send
//	poll.answer {id, option}              poll.answer: one vote per person, again replaces it
//	reactions.enable {enabled}            reactions.enable
//	reaction.send {reaction}              anyone, while reactions are on
//	cta.send {text, url}                  cta.send
//	cta.click {id}                        anyone: they opened the call to action on screen
//	                                      (id: the cta's id); journaled for the session's report
//	participant.block {person}            participant.block: disconnected, cannot rejoin
//	participant.unblock {person}          participant.block
//	participant.kick {person}             participant.kick: disconnected, may rejoin
//	participants.hide {enabled}           room.event_settings: hide the participants tab
//	presentation.start {url}              stage.control_media (slides or video)
//	presentation.stop {}                  stage.remove_presentation
//	breakout.create {names}               breakout.create_start: groups, people spread over them
//	breakout.move {person, id}            breakout.create_start ("" id: the main room)
//	breakout.start {} / breakout.end {}   breakout.create_start
//	breakout.visit {id}                   breakout.create_start: hear and be heard in a running
//	                                      group ("" id: back to the main room)
//
// Server → client:
//
//	joined {…, chats, questions, polls, reactions, participants, presentation, breakout,
//	        private_questions, cta, breakouts, running}
//	                                      the room as the newcomer may see it
//	chat {chat} / chat.deleted {id}       to the sender's room or breakout group
//	question {question} / question.deleted {id}
//	                                      to staff, the asker, everyone when private mode is off
//	questions.private {enabled}           private mode changed
//	poll {poll}                           drafts to staff; sent and closed polls, with live
//	                                      counts, to everyone
//	reactions {reactions}                 enabled and counts
//	cta {cta}                             a call to action
//	participants {participants}           who is in the room (omitted for participants while
//	                                      the tab is hidden: participants.read_hidden)
//	presentation {presentation}           what is presented; without one: stopped
//	breakout {breakout}                   your group with who is in it and who visits (its
//	                                      audio and video replace the main stage's); without
//	                                      one: back in the main room
//	breakouts {breakouts, running}        every group with its members and whether they run,
//	                                      to staff
//	bye {code: kicked | blocked}          you were removed from the room
const (
	FrameChatSend          = "chat.send"
	FrameChat              = "chat"
	FrameChatDelete        = "chat.delete"
	FrameChatDeleted       = "chat.deleted"
	FrameQuestionAsk       = "question.ask"
	FrameQuestion          = "question"
	FrameQuestionPrivate   = "question.private"
	FrameQuestionsPrivate  = "questions.private"
	FrameQuestionAnswer    = "question.answer"
	FrameQuestionLive      = "question.answer_live"
	FrameQuestionDelete    = "question.delete"
	FrameQuestionDeleted   = "question.deleted"
	FramePollCreate        = "poll.create"
	FramePollSend          = "poll.send"
	FramePollClose         = "poll.close"
	FramePollAnswer        = "poll.answer"
	FramePoll              = "poll"
	FrameReactionsEnable   = "reactions.enable"
	FrameReactionSend      = "reaction.send"
	FrameReactions         = "reactions"
	FrameCTASend           = "cta.send"
	FrameCTAClick          = "cta.click"
	FrameCTA               = "cta"
	FrameBlock             = "participant.block"
	FrameUnblock           = "participant.unblock"
	FrameKick              = "participant.kick"
	FrameParticipantsHide  = "participants.hide"
	FrameParticipants      = "participants"
	FramePresentationStart = "presentation.start"
	FramePresentationStop  = "presentation.stop"
	FramePresentation      = "presentation"
	FrameBreakoutCreate    = "breakout.create"
	FrameBreakoutMove      = "breakout.move"
	FrameBreakoutStart     = "breakout.start"
	FrameBreakoutEnd       = "breakout.end"
	FrameBreakoutVisit     = "breakout.visit"
	FrameBreakout          = "breakout"
	FrameBreakouts         = "breakouts"
)

// Error and bye codes of room events.
const (
	CodeRateLimited = "rate_limited"
	CodeBadRequest  = "bad_request" // a room-event frame missing or misusing a field
	CodeNotFound    = "not_found"   // no such message, question or poll
	CodeRoomFull    = "room_full"
	CodeBlocked     = "blocked"
	CodeKicked      = "kicked"
	CodeDisabled    = "disabled" // reactions are off
)

// RoomFields are the room-event fields of Frame (embedded there, so they sit at the top level
// of the JSON object).
type RoomFields struct {
	ID           string            `json:"id,omitempty"`
	Text         string            `json:"text,omitempty"`
	URL          string            `json:"url,omitempty"`
	Option       *int              `json:"option,omitempty"`
	Options      []string          `json:"options,omitempty"`
	Names        []string          `json:"names,omitempty"`
	Enabled      *bool             `json:"enabled,omitempty"`
	Reaction     string            `json:"reaction,omitempty"`
	Chat         *ChatView         `json:"chat,omitempty"`
	Question     *QuestionView     `json:"question,omitempty"`
	Poll         *PollView         `json:"poll,omitempty"`
	Reactions    *ReactionsView    `json:"reactions,omitempty"`
	CTA          *CTAView          `json:"cta,omitempty"`
	Presentation *PresentationView `json:"presentation,omitempty"`
	Breakout     *BreakoutView     `json:"breakout,omitempty"`
	Breakouts    []BreakoutView    `json:"breakouts,omitempty"`
	Deck         *DeckView         `json:"deck,omitempty"` // decks.go
	Decks        []DeckView        `json:"decks,omitempty"`
	Page         int               `json:"page,omitempty"` // deck.open, deck.page
	// Participants is a pointer so an allowed but empty list is still sent.
	Participants *[]ParticipantInfo `json:"participants,omitempty"`
	Running      *bool              `json:"running,omitempty"` // breakouts: the groups are running
	// The joined frame's snapshot for late joiners.
	Chats            []ChatView     `json:"chats,omitempty"`
	Questions        []QuestionView `json:"questions,omitempty"`
	Polls            []PollView     `json:"polls,omitempty"`
	PrivateQuestions bool           `json:"private_questions,omitempty"`
}

// ChatView is one chat line on the wire.
type ChatView struct {
	ID     string `json:"id"`
	Person string `json:"person"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Text   string `json:"text"`
	At     string `json:"at"` // RFC 3339
}

// QuestionView is one question on the wire; answering re-sends it with Answer filled.
type QuestionView struct {
	ID           string `json:"id"`
	Person       string `json:"person"`
	Name         string `json:"name"`
	Text         string `json:"text"`
	Private      bool   `json:"private"`
	Answer       string `json:"answer"`
	AnsweredLive bool   `json:"answered_live"`
	At           string `json:"at"`
}

// PollView is one poll with its live counts (one per option).
type PollView struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Status   string   `json:"status"`
	Counts   []int    `json:"counts"`
	Mine     *int     `json:"mine,omitempty"` // the receiver's own vote, in their joined frame
}

// ReactionsView is whether reactions are on and how many of each were sent.
type ReactionsView struct {
	Enabled bool           `json:"enabled"`
	Counts  map[string]int `json:"counts"`
}

// CTAView is a call to action shown to everyone; ID names it in the clicks on it.
type CTAView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	URL  string `json:"url"`
	By   string `json:"by"`
}

// PresentationView is what is being presented on stage.
type PresentationView struct {
	URL    string `json:"url"`
	Person string `json:"person"`
}

// BreakoutView is one breakout group.
type BreakoutView struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members,omitempty"`
	// Visitors are the staff visiting the group (person ids), in the staff's list.
	Visitors []string `json:"visitors,omitempty"`
	// People are who is in the group now, visitors included, in the breakout frame of its
	// members: the page names their videos and the visiting host.
	People []BreakoutPerson `json:"people,omitempty"`
}

// BreakoutPerson is someone in a breakout group.
type BreakoutPerson struct {
	Person   string `json:"person"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Visiting bool   `json:"visiting,omitempty"`
}
