/**
 * The channels the server runs: one line each. See channels/README.md to add one.
 */
import type { ChannelModule } from '../../channels/channel';

export const CHANNELS: ChannelModule[] = [];
