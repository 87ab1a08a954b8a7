-- Exports page a session's rows by id (WHERE session_id = ? AND id > ? ORDER BY id LIMIT n).
-- With only (session_id, status, id) the planner read every remaining registrant of the
-- session and sorted them for each page, so an export grew with the square of its rows;
-- (session_id, id) hands each page over in order. Chat, questions and polls have theirs
-- since room_data; votes were indexed by poll first.
CREATE INDEX registrants_session_id_idx ON registrants (session_id, id);
--bun:split
CREATE INDEX poll_votes_session_id_idx ON poll_votes (session_id, id);
