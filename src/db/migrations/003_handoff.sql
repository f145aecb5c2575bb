-- 003: the handoff queue's wait estimate reads the most recent assignments (median wait of the last
-- ones); this index keeps that a short index scan however many closed handoffs accumulate.
-- (Numbered 003 so that it sorts after a 002 migration added alongside.)

CREATE INDEX handoffs_recent_assigned ON handoffs (assigned_at DESC) WHERE assigned_at IS NOT NULL;
