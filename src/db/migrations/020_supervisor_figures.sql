-- 020: the supervisor view (src/console/supervisor-figures.ts) counts the current Vietnam day's
-- messages, handoffs and CSAT ratings on every refresh (every 15 s and on each handoff event); these
-- indexes keep that a short range scan however much history accumulates.
-- (Numbered 020 to stay clear of the migrations being added alongside; only 001 is needed before it.)

CREATE INDEX messages_created ON messages (created_at);
CREATE INDEX handoffs_requested ON handoffs (requested_at);
CREATE INDEX handoffs_closed ON handoffs (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX feedback_created ON feedback (created_at);
