/**
 * The channels the server runs: one line each. See channels/README.md to add one.
 */
import { botFrameworkChannel } from '../../channels/botframework';
import type { ChannelModule } from '../../channels/channel';
import { zaloChannel } from '../../channels/zalo';

export const CHANNELS: ChannelModule[] = [botFrameworkChannel, zaloChannel];
