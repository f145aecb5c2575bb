/**
 * The Zalo OA the channel tests talk to: ids, secrets and API origins (nock intercepts them), and the
 * environment that turns the channel on.
 */
export const ZALO_API = 'https://openapi.zalo.test';
export const ZALO_OAUTH = 'https://oauth.zalo.test';
export const APP_ID = '3601234567890123456';
export const OA_ID = '579745863508352884';
export const OA_SECRET = 'oa-secret-key-for-tests';

export const ZALO_ENV = {
  ZALO_APP_ID: APP_ID,
  ZALO_OA_SECRET_KEY: OA_SECRET,
  ZALO_ACCESS_TOKEN: 'access-token-1',
  ZALO_REFRESH_TOKEN: 'refresh-token-1',
  ZALO_APP_SECRET: 'app-secret-for-tests',
  ZALO_API_BASE: ZALO_API,
  ZALO_OAUTH_BASE: ZALO_OAUTH,
};
