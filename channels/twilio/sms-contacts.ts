/**
 * The phone number behind an SMS conversation, for messages sent outside a turn (an officer's reply,
 * the CSAT question after a handoff). SMS conversation ids are pseudonyms (an HMAC of the number), so
 * they cannot be turned back into the number; this keeps the number in PostgreSQL (`sms_contacts`,
 * src/db/migrations/005_officer_phone.sql), sealed with AES-256-GCM under a key derived (HKDF-SHA256)
 * from TWILIO_AUTH_TOKEN: a database dump alone does not reveal it, any process of the deployment can
 * send, and the row goes with its conversation (ON DELETE CASCADE, so retention removes it too).
 * Only conversations handed to an officer are stored. The number is never logged.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SmsContacts {
  private readonly key: Buffer;

  constructor(
    private readonly pool: Pool,
    secret: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'tro-ly-tu-phap', 'sms-contact-v1', 32));
  }

  /** Stores (or refreshes) the number of this conversation. */
  async remember(conversationId: string, phone: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO sms_contacts (conversation_id, phone_sealed) VALUES ($1, $2)
       ON CONFLICT (conversation_id) DO UPDATE SET phone_sealed = EXCLUDED.phone_sealed, updated_at = now()`,
      [conversationId, this.seal(phone, conversationId)],
    );
  }

  /** The number of this conversation; undefined when none is stored or it cannot be opened. */
  async phoneOf(conversationId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ phone_sealed: Buffer }>(
      'SELECT phone_sealed FROM sms_contacts WHERE conversation_id = $1',
      [conversationId],
    );
    const sealed = rows[0]?.phone_sealed;
    return sealed ? this.open(sealed, conversationId) : undefined;
  }

  /** iv | tag | ciphertext; the conversation id is bound as associated data (no swapping rows). */
  private seal(phone: string, conversationId: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(conversationId));
    const body = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private open(sealed: Buffer, conversationId: string): string | undefined {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(conversationId));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined; // another key (TWILIO_AUTH_TOKEN rotated) or a damaged row
    }
  }
}
