package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/onairhq/onair/store"
	"github.com/onairhq/onair/store/storetest"
)

// Adding staff queues the e-mail it is asked to with the row, and nothing for a conflicting
// address; AssignedHosts lists the hosts of the sessions asked about, with their membership.
func TestSessionStaffAndAssignedHosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		_, ses := seedSession(t, db, store.EventSettings{}, 10)
		_, other := seedSession(t, db, store.EventSettings{}, 10)
		u, err := store.CreateUser(ctx, db, "hana@staff.test", "Hana")
		if err != nil {
			t.Fatal(err)
		}
		m, err := store.AddMember(ctx, db, ses.WorkspaceID, u, store.RoleMember, "Hana")
		if err != nil {
			t.Fatal(err)
		}
		staff := func(s *store.Session, email, role, memberID string) *store.SessionStaff {
			return &store.SessionStaff{ID: store.NewID("stf"), WorkspaceID: s.WorkspaceID, SessionID: s.ID,
				MemberID: memberID, Email: email, Role: role, CreatedAt: store.Now()}
		}
		host := staff(ses, u.Email, store.StaffHost, m.ID)
		speaker := staff(ses, "sam@staff.test", store.StaffSpeaker, "")
		for _, add := range []struct {
			st     *store.SessionStaff
			notify string
			want   error
		}{
			{host, "", nil},
			{speaker, "speaker_invitation", nil},
			{staff(ses, "sam@staff.test", store.StaffSpeaker, ""), "speaker_invitation", store.ErrConflict},
			{staff(other, "otto@staff.test", store.StaffHost, "mem_elsewhere"), "", nil},
		} {
			if err := store.AddSessionStaff(ctx, db, add.st, add.notify); !errors.Is(err, add.want) {
				t.Fatalf("add %s: %v, want %v", add.st.Email, err, add.want)
			}
		}
		n, err := db.NewSelect().Model((*store.Delivery)(nil)).Where("session_id = ?", ses.ID).Count(ctx)
		if err != nil || n != 1 {
			t.Fatalf("%d deliveries queued (%v), want the speaker's one", n, err)
		}

		for _, c := range []struct {
			session, member string
			want            bool
		}{{ses.ID, m.ID, true}, {other.ID, m.ID, false}, {ses.ID, "mem_other", false}} {
			if got, err := store.IsAssignedHost(ctx, db, c.session, c.member); err != nil || got != c.want {
				t.Errorf("IsAssignedHost(%s, %s) = %v, %v; want %v", c.session, c.member, got, err, c.want)
			}
		}

		hosts, err := store.AssignedHosts(ctx, db, ses.WorkspaceID, []string{ses.ID, other.ID, "ses_closed"})
		if err != nil || len(hosts) != 1 || hosts[0].SessionID != ses.ID || hosts[0].ID != m.ID || hosts[0].Name != "Hana" {
			t.Fatalf("assigned hosts %+v, %v; want Hana of %s", hosts, err, ses.ID)
		}
		if hosts, err := store.AssignedHosts(ctx, db, ses.WorkspaceID, nil); err != nil || len(hosts) != 0 {
			t.Fatalf("hosts of no session: %+v, %v", hosts, err)
		}
	})
}
