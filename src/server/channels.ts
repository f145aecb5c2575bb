/**
 * The channels the server runs: one line each. See channels/README.md to add one.
 */
import { botFrameworkChannel } from '../../channels/botframework';
import type { ChannelModule } from '../../channels/channel';
import { directLineChannel } from '../../channels/directline';
import { twilioChannel } from '../../channels/twilio';
import { webChatChannel } from '../../channels/webchat';
import { zaloChannel } from '../../channels/zalo';

export const CHANNELS: ChannelModule[] = [
  directLineChannel,
  webChatChannel,
  botFrameworkChannel,
  zaloChannel,
  twilioChannel,
];
