// Who may do what in the room (spec §4; kick and reactions follow §3's host and moderator
// rights). The page shows a control only to the roles the media service allows; the service
// still decides. media/roompage/rights_test.go holds this table to the authz package.
// "speaker on stage": a speaker may only while on stage.
export const RIGHTS = {
  'stage.invite': ['host', 'moderator', 'speaker'],
  'stage.remove': ['host', 'moderator', 'speaker'],
  'stage.control_media': ['host', 'moderator', 'speaker'],
  'stage.remove_presentation': ['host', 'moderator', 'speaker'],
  'chat.moderate': ['host', 'moderator', 'speaker'],
  'question.moderate': ['host', 'moderator', 'speaker'],
  'question.answer': ['host', 'moderator', 'speaker'],
  'question.answer_live': ['host', 'moderator', 'speaker on stage'],
  'participant.block': ['host', 'moderator', 'speaker'],
  'participant.kick': ['host', 'moderator'],
  'poll.create_send': ['host', 'moderator', 'speaker'],
  'reactions.enable': ['host', 'moderator'],
  'cta.send': ['host', 'moderator', 'speaker'],
  'breakout.create_start': ['host', 'moderator'],
  'room.record': ['host'],
  'room.start_stop': ['host'],
};

// can says whether me ({role, onStage}) may do action.
export function can(me, action) {
  const roles = RIGHTS[action] || [];
  return roles.includes(me.role) || (!!me.onStage && roles.includes(`${me.role} on stage`));
}
