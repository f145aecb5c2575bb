-- 030: the editor's unanswered-questions inbox (src/editor/inbox). Groups are computed on read from
-- `messages` and `feedback`; only what editors decided is stored: a resolution per group (attached to
-- a guide, sent to an out-of-scope topic, or dismissed), keyed by the group's signature, and every
-- normalised question of the group, so a resolved group and its phrasings never come back.
-- (Numbered 030 to stay clear of the migrations being added alongside; only 001 and 010 are needed.)

CREATE TABLE inbox_resolutions (
  signature   text PRIMARY KEY,                 -- the group's seed question, normalised and hashed
  state       text NOT NULL CHECK (state IN ('attached', 'out_of_scope', 'dismissed')),
  target      text,                             -- the knowledge file (and #topic) the questions went to
  revision_id bigint REFERENCES knowledge_revisions (id) ON DELETE SET NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  messages    integer NOT NULL,                 -- how many messages the group had when resolved
  sample      text NOT NULL DEFAULT ''          -- one question of the group (masked), for the list
);
CREATE INDEX inbox_resolutions_at ON inbox_resolutions (at DESC);

CREATE TABLE inbox_resolved_keys (
  key       text PRIMARY KEY,                   -- a normalised question: folded content syllables, sorted
  signature text NOT NULL REFERENCES inbox_resolutions (signature) ON DELETE CASCADE
);
CREATE INDEX inbox_resolved_keys_signature ON inbox_resolved_keys (signature);

-- The inbox pairs each citizen message with the bot's next message of the same conversation, and a
-- rating with the answer it rates: both walk a conversation's messages in id order.
CREATE INDEX messages_conversation_id ON messages (conversation_id, id);
CREATE INDEX feedback_thumbs_down ON feedback (created_at) WHERE kind = 'thumbs' AND rating = -1;
