/**
 * The handoff as the queue hands it out: the row of `handoffs` in camelCase, and the typed error for an
 * operation that cannot apply (taken by someone else, already closed, not the holder), so callers (the
 * agent console) can answer 404/409 instead of a 500.
 */

export type HandoffStatus = 'queued' | 'assigned' | 'closed';

export interface Handoff {
  id: number;
  conversationId: string;
  channel: string;
  /** Higher first. */
  priority: number;
  status: HandoffStatus;
  reason: string;
  requestedAt: Date;
  /** users.id of the officer holding it. */
  assignedTo: number | null;
  assignedAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
}

/** A row of `handoffs` as pg returns it (bigint columns come back as strings). */
export interface HandoffRow {
  id: string;
  conversation_id: string;
  channel: string;
  priority: number;
  status: HandoffStatus;
  reason: string;
  requested_at: Date;
  assigned_to: string | null;
  assigned_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
}

export function toHandoff(row: HandoffRow): Handoff {
  return {
    id: Number(row.id),
    conversationId: row.conversation_id,
    channel: row.channel,
    priority: row.priority,
    status: row.status,
    reason: row.reason,
    requestedAt: row.requested_at,
    assignedTo: row.assigned_to === null ? null : Number(row.assigned_to),
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
  };
}

export type HandoffErrorCode = 'not_found' | 'taken' | 'closed' | 'not_holder' | 'unknown_agent';

export class HandoffError extends Error {
  override readonly name = 'HandoffError';
  constructor(
    readonly code: HandoffErrorCode,
    message: string,
  ) {
    super(message);
  }
}
