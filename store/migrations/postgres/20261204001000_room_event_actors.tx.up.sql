-- Session reports and engagement scores (issue 18) count each person's reactions and call-to-action
-- clicks, and the session's reactions over time, from the room journal: by kind and actor within
-- a session, without reading the session's whole journal.
CREATE INDEX room_events_session_kind_actor_idx ON room_events (session_id, kind, actor_id);
