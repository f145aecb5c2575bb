/**
 * Debian's Chromium for the browser tests: where it is, the flags this sandbox needs (root, no GPU, no
 * background network), and the rule that a missing browser skips the tests only outside CI.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** `describe` when Chromium can run (always in CI), else `describe.skip` with the reason in the title. */
export function describeInChromium(title: string, body: () => void): void {
  if (canRun) describe(title, body);
  else
    describe.skip(
      `${title} — SKIPPED: ${CHROMIUM} is missing (install: apt-get install -y chromium; in CI this test runs)`,
      body,
    );
}
