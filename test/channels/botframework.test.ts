import { startTestServer } from '../support/test-server';

const activity = {
  type: 'message',
  id: '1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/apac/',
  from: { id: 'u1' },
  recipient: { id: 'bot' },
  conversation: { id: 'c1' },
  text: 'xin chào',
};

describe('Bot Framework channel (/api/messages)', () => {
  it('is off without MicrosoftAppId and answers 503', async () => {
    const running = await startTestServer();
    try {
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        body: JSON.stringify(activity),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(503);
    } finally {
      await running.close();
    }
  });

  it('refuses a request without a valid channel token when MicrosoftAppId is set', async () => {
    // botbuilder's CloudAdapter prints the refused authentication itself.
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const running = await startTestServer({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    try {
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        body: JSON.stringify(activity),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(401);
    } finally {
      printed.mockRestore();
      await running.close();
    }
  });
});
