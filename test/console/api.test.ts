/**
 * The agent console's API on a real PostgreSQL and the real server: 401 without login; an officer
 * (users.ts) logs in; a Direct Line citizen asks for an officer and appears in the queue; the live
 * events stream (SSE) reports the claim; suggestions give 3 guides with text and source; the reply
 * reaches the citizen's Direct Line conversation; closing asks the CSAT question; POST without the
 * CSRF header is refused; bad input and wrong states answer 400/404/409 JSON.
 */
import { createUser } from '../../src/auth/users';
import { OfficerSession, type Json } from '../support/officer-session';
import { serverWithDatabase } from '../support/server-with-database';
import { sharedEngine } from '../support/test-server';
import { until } from '../support/until';
import { DirectLineCitizen } from '../support/directline-citizen';

const PASSWORD = 'mat-khau-rat-dai';
const server = serverWithDatabase();
/** Signs in and answers with paths under /agent/api/. */
const signIn = async (username: string) =>
  (await OfficerSession.login(server.running.url, username, PASSWORD)).at(`${server.running.url}/agent/api/`);

describe('agent console API', () => {
  let officer: OfficerSession;
  let citizen: DirectLineCitizen;
  let handoffId: number;

  beforeAll(async () => {
    await createUser(server.db.pool, { username: 'canbo1', password: PASSWORD, roles: ['agent'] });
    await createUser(server.db.pool, { username: 'canbo2', password: PASSWORD, roles: ['agent'] });
    await createUser(server.db.pool, { username: 'bientap', password: PASSWORD, roles: ['editor'] });
  });

  it('refuses every API and the page without a login', async () => {
    for (const path of ['queue', 'conversations/x', 'events']) {
      const res = await fetch(`${server.running.url}/agent/api/${path}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'login required' });
    }
    const page = await fetch(`${server.running.url}/agent`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/agent/login?next=%2Fagent');
    const login = await fetch(`${server.running.url}/agent/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await login.text();
    expect(html).toContain('action="/agent/login"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('forbids a user without an officer role', async () => {
    const editor = await signIn('bientap');
    expect((await editor.request('GET', 'queue')).status).toBe(403);
  });

  it("shows the citizen's request for an officer in the queue", async () => {
    officer = await signIn('canbo1');
    citizen = await DirectLineCitizen.start(server.running.url);
    await citizen.say('làm giấy khai sinh cần giấy tờ gì');
    await citizen.say('cho tôi gặp cán bộ');
    await citizen.waitForText('Anh/chị đang ở vị trí số 1, thời gian chờ khoảng 3 phút.');
    const { items } = await officer.json('GET', 'queue');
    expect(items).toEqual([
      expect.objectContaining({
        conversationId: citizen.botId,
        status: 'queued',
        position: 1,
        channel: 'directline',
      }),
    ]);
    handoffId = items[0].id;
    const page = await fetch(`${server.running.url}/agent`, { headers: { cookie: officer.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hàng chờ');
  });

  it('refuses a POST without the CSRF header', async () => {
    const res = await officer.request('POST', `handoffs/${handoffId}/claim`, {}, false);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'invalid CSRF token' });
  });

  it('claims the handoff and streams the event to the live queue', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${server.running.url}/agent/api/events`, {
      headers: { cookie: officer.cookie },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    await reader.read().then((r) => (received += decoder.decode(r.value))); // ": connected"
    const claimed = await officer.json('POST', `handoffs/${handoffId}/claim`, {});
    expect(claimed).toMatchObject({ id: handoffId, status: 'assigned' });
    while (!received.includes('"type":"claimed"')) {
      const r = await reader.read();
      if (r.done) break;
      received += decoder.decode(r.value);
    }
    expect(received).toContain('event: handoff');
    expect(received).toContain(`"handoffId":${handoffId}`);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await officer.json('POST', `handoffs/${handoffId}/claim`, {}, 409);
  });

  it('shows the transcript and the handoff of the conversation', async () => {
    const view = await until(async () => {
      const v = await officer.json('GET', `conversations/${encodeURIComponent(citizen.botId)}`);
      return v.messages.some((m: Json) => m.text === 'cho tôi gặp cán bộ') ? v : undefined;
    });
    expect(view).toMatchObject({
      channel: 'directline',
      handoff: { id: handoffId, status: 'assigned', assignedToUsername: 'canbo1' },
    });
    expect(view.messages[0]).toMatchObject({ direction: expect.any(String), channel: 'directline' });
    await officer.json('GET', 'conversations/nope', undefined, 404);
  });

  it('suggests 3 guides with the facet answer and a source', async () => {
    const { question, suggestions } = await officer.json(
      'GET',
      `conversations/${encodeURIComponent(citizen.botId)}/suggestions`,
    );
    expect(question).toBe('làm giấy khai sinh cần giấy tờ gì');
    expect(suggestions).toHaveLength(3);
    for (const s of suggestions) {
      expect(s.title).toEqual(expect.any(String));
      expect(s.text.length).toBeGreaterThan(20);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.source.title).toEqual(expect.any(String));
    }
    expect(suggestions[0]).toMatchObject({ guideId: 'ho-tich/khai-sinh', facet: 'documents' });
  });

  it("delivers the officer's reply to the citizen's Direct Line conversation", async () => {
    await officer.json('POST', `conversations/${encodeURIComponent(citizen.botId)}/reply`, { text: '' }, 400);
    await officer.json('POST', `conversations/${encodeURIComponent(citizen.botId)}/reply`, {
      text: 'Chào anh/chị, tôi là cán bộ tư pháp.',
    });
    await citizen.waitForText('Chào anh/chị, tôi là cán bộ tư pháp.');
    const other = await signIn('canbo2');
    await other.json('POST', `conversations/${encodeURIComponent(citizen.botId)}/reply`, { text: 'x' }, 409);
    await other.json('POST', `handoffs/${handoffId}/close`, { reason: 'đã giải đáp' }, 409);
  });

  it('transfers to another officer and back', async () => {
    await officer.json('POST', `handoffs/${handoffId}/transfer`, { to: 'nobody' }, 400);
    await officer.json('POST', `handoffs/${handoffId}/transfer`, { to: 'canbo2' });
    const other = await signIn('canbo2');
    await other.json('POST', `handoffs/${handoffId}/transfer`, { to: 'canbo1' });
  });

  it('closes with a reason and the citizen gets the CSAT question', async () => {
    await officer.json('POST', `handoffs/${handoffId}/close`, { reason: 'bất kỳ' }, 400);
    await officer.json('POST', 'handoffs/abc/close', { reason: 'đã giải đáp' }, 400);
    await officer.json('POST', 'handoffs/999999/close', { reason: 'đã giải đáp' }, 404);
    const closed = await officer.json('POST', `handoffs/${handoffId}/close`, { reason: 'đã giải đáp' });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'đã giải đáp' });
    await citizen.waitForText((await sharedEngine()).replies.csat_question.vi);
    expect((await officer.json('GET', 'queue')).items).toEqual([]);
  });
});
