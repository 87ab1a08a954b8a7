package authz

import "testing"

func TestCanInRoom(t *testing.T) {
	host := RoomContext{Role: SessionHost}
	mod := RoomContext{Role: SessionModerator}
	speaker := RoomContext{Role: SessionSpeaker}
	participant := RoomContext{Role: SessionParticipant}
	with := func(c RoomContext, f func(*RoomContext)) RoomContext { f(&c); return c }

	tests := []struct {
		name string
		c    RoomContext
		a    Action
		want bool
	}{
		// Footnote ³: a participant shares media only after accepting a stage invite.
		{"participant off stage cannot join stage", participant, StageJoin, false},
		{"participant invited on stage joins", with(participant, func(c *RoomContext) { c.OnStage = true }), StageJoin, true},
		{"speaker joins stage without invite", speaker, StageJoin, true},
		{"participant on stage still cannot invite others", with(participant, func(c *RoomContext) { c.OnStage = true }), StageInvite, false},

		// Footnote ⁴: a speaker answers live only while on stage.
		{"speaker off stage cannot answer live", speaker, QuestionAnswerLive, false},
		{"speaker on stage answers live", with(speaker, func(c *RoomContext) { c.OnStage = true }), QuestionAnswerLive, true},
		{"speaker off stage answers in writing", speaker, QuestionAnswer, true},
		{"moderator off stage answers live", mod, QuestionAnswerLive, true},
		{"participant on stage cannot answer live", with(participant, func(c *RoomContext) { c.OnStage = true }), QuestionAnswerLive, false},

		// Footnote ⁵: private questions.
		{"participant reads all when private off", participant, QuestionReadPrivate, true},
		{"participant reads own when private on", with(participant, func(c *RoomContext) { c.PrivateQuestions, c.OwnQuestion = true, true }), QuestionReadPrivate, true},
		{"participant cannot read others when private on", with(participant, func(c *RoomContext) { c.PrivateQuestions = true }), QuestionReadPrivate, false},
		{"participant on stage still reads only own when private on", with(participant, func(c *RoomContext) { c.PrivateQuestions, c.OnStage = true, true }), QuestionReadPrivate, false},
		{"speaker reads others when private on", with(speaker, func(c *RoomContext) { c.PrivateQuestions = true }), QuestionReadPrivate, true},

		// Footnote ²: never from a room, even for hosts.
		{"host cannot remove team member in room", host, RoomRemoveTeamMember, false},
		{"moderator cannot change role in room", mod, RoomChangeRole, false},

		{"moderator cannot start the room", mod, RoomStartStop, false},
		{"host records", host, RoomRecord, true},
		{"speaker cannot open dashboard", speaker, RoomDashboard, false},
		{"participant answers polls", participant, PollAnswer, true},
		{"participant cannot send CTA", participant, CTASend, false},
		{"only host deletes registrants", mod, RegistrantDelete, false},

		// §3 through the room: host and moderator follow their columns; others are not team members.
		{"host creates sessions", host, SessionCreate, true},
		{"moderator cannot start sessions", mod, SessionStartStop, false},
		{"moderator kicks participants", mod, ParticipantKick, true},
		{"speaker cannot kick", speaker, ParticipantKick, false},
		{"participant cannot create events", participant, EventCreate, false},

		{"workspace action refused in room", host, WorkspaceView, false},
		{"unknown action refused in room", host, "room.self_destruct", false},
		{"unknown session role refused", RoomContext{Role: "owner"}, ChatReadAll, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := CanInRoom(tt.c, tt.a)
			if d.Allowed != tt.want {
				t.Fatalf("CanInRoom(%+v, %q) = %v (%s), want %v", tt.c, tt.a, d.Allowed, d.Reason, tt.want)
			}
			if !d.Allowed && d.Reason == "" {
				t.Errorf("denial of %q has no reason", tt.a)
			}
			if err := d.Err(); (err == nil) != tt.want {
				t.Errorf("Err() = %v for allowed=%v", err, tt.want)
			}
		})
	}

	if got := CanInRoom(host, "room.self_destruct").Reason; got != "unknown action" {
		t.Errorf("unknown action reason = %q", got)
	}
}
