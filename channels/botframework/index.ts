/**
 * Azure Bot Service channels (Teams, Facebook, the Azure Web Chat...) at POST /api/messages, through
 * botbuilder's CloudAdapter, which checks the channel's JWT against MicrosoftAppId. Without
 * MicrosoftAppId the channel is off: an unauthenticated endpoint would let anyone make the bot call
 * an arbitrary serviceUrl.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import express, { Router } from 'express';
import { offRouter, type ChannelModule } from '../channel';

export const botFrameworkChannel: ChannelModule = {
  name: 'botframework',
  create({ config, bot, log, engine }) {
    const router = Router();
    if (!config.MicrosoftAppId || !config.MicrosoftAppPassword) {
      const off = 'MicrosoftAppId and MicrosoftAppPassword are not set';
      router.use('/api/messages', offRouter(Router(), 'botframework', off));
      return { router, off };
    }
    const settings = {
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType ?? 'MultiTenant',
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    };
    const adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication(
        settings,
        new ConfigurationServiceClientCredentialFactory(settings),
      ),
    );
    adapter.onTurnError = async (context, error) => {
      log.error('botframework turn failed', { conversation: context.activity.conversation?.id, error });
      await context.sendActivity(engine().replies.error.vi);
    };
    router.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
      await adapter.process(req, res, (turn) => bot.run(turn));
    });
    return { router };
  },
};
