/**
 * The citizen page ('webchat', always on): GET / is the page (page.ts, with its security headers),
 * /webchat/webchat.js the official Web Chat bundle served by file path from node_modules (its exports
 * map blocks require.resolve of dist files), /webchat/chat.js and chat.css the page's own script and
 * styles. The chat itself goes to the Direct Line channel (/v3/directline).
 */
import path from 'node:path';
import { Router } from 'express';
import type { ChannelModule } from '../channel';
import { renderPage } from './page';
import { newNonce, setPageHeaders } from './security-headers';
import { staticFile } from './static-file';

const ASSETS = path.join(__dirname, 'assets');

/** dist/webchat.js, found next to the package's main entry (lib/index.js). */
export function webChatBundlePath(): string {
  return path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
}

export const webChatChannel: ChannelModule = {
  name: 'webchat',
  create({ config }) {
    const router = Router();
    const js = 'application/javascript; charset=utf-8';
    router.get('/', (_req, res) => {
      const nonce = newNonce();
      setPageHeaders(res, nonce, config.PUBLIC_BASE_URL);
      res.type('html').send(renderPage(nonce));
    });
    router.get('/webchat/webchat.js', staticFile(webChatBundlePath(), js, 86_400));
    router.get('/webchat/chat.js', staticFile(path.join(ASSETS, 'chat.js'), js, 300));
    router.get(
      '/webchat/chat.css',
      staticFile(path.join(ASSETS, 'chat.css'), 'text/css; charset=utf-8', 300),
    );
    return { router };
  },
};
