-- 050: lookups on the hot path and in the inbox. Every citizen message reads its conversation's latest
-- handoff (HandoffService.status: WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1); handoffs_one_open
-- covers only open ones, so without this index the closed ones that accumulate would be scanned.
-- The inbox and the stats join a rating to the answer it rates (feedback.message_id).
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, id DESC);
CREATE INDEX feedback_message ON feedback (message_id) WHERE message_id IS NOT NULL;
