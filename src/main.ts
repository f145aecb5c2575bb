/**
 * `npm start`: until the bot server lands, a terminal conversation with the engine (one question a
 * line, context kept between turns), built by the same composition as the command line.
 */
import { createInterface } from 'node:readline/promises';
import { buildEngine } from './app/build-engine';
import { parseConfig } from './config';
import { NEW_CONVERSATION } from './engine/types';
import { createLogger } from './log';

async function main(): Promise<void> {
  const config = parseConfig();
  const log = createLogger(config.LOG_LEVEL);
  const engine = await buildEngine(config, log);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  let context = NEW_CONVERSATION;
  process.stdout.write(
    'Trợ lý Tư pháp — hỏi về thủ tục hộ tịch, chứng thực, lý lịch tư pháp... (Ctrl+D để thoát)\n',
  );
  for await (const line of rl) {
    if (!line.trim()) continue;
    const reply = await engine.ask(line, context);
    context = reply.context;
    const buttons = reply.record.choices.map((c) => `[${c.label}]`).join(' ');
    process.stdout.write(`\n${reply.record.answer}\n${buttons ? `${buttons}\n` : ''}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
