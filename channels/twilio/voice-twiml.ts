/**
 * TwiML building blocks for the phone line, on twilio-node's VoiceResponse: a vi-VN <Say>, the menu
 * <Gather> (speech and keypad, one digit, Vietnamese recognition with hints, called back even on
 * silence), and the hand-over to an officer (<Enqueue> into a queue or <Dial> to a number or SIP URI;
 * with the PostgreSQL queue, <Enqueue> into the handoff's own queue with a wait URL, and the TwiML of
 * the officer's call that dials that queue).
 */
import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import { HINTS, PROMPTS, SAY } from './voice-prompts';

export type Officer = { queue: string } | { dial: string };

/** Seconds of silence before a menu gives up (Twilio's default is 5). */
export const GATHER_TIMEOUT = 6;

export const newResponse = (): VoiceResponse => new twilio.twiml.VoiceResponse();

export function say(target: VoiceResponse | VoiceResponse.Gather, ...texts: string[]): void {
  for (const text of texts) if (text.trim()) target.say(SAY, text.trim());
}

/** A <Gather> whose prompt is spoken inside it (so a key press or speech interrupts it). */
export function gatherMenu(
  vr: VoiceResponse,
  action: string,
  prompt: string,
  timeout = GATHER_TIMEOUT,
): void {
  const gather = vr.gather({
    input: ['speech', 'dtmf'],
    language: 'vi-VN',
    hints: HINTS,
    numDigits: 1,
    speechTimeout: 'auto',
    timeout,
    action,
    method: 'POST',
    actionOnEmptyResult: true,
  });
  say(gather, prompt);
}

/** Hands the call to an officer; `action` hears how it ended (DialCallStatus or QueueResult). */
export function connectOfficer(vr: VoiceResponse, officer: Officer, action: string): void {
  if ('dial' in officer) {
    const dial = vr.dial({ action, method: 'POST', answerOnBridge: true, timeout: 25 });
    if (/^sips?:/i.test(officer.dial)) dial.sip(officer.dial);
    else dial.number(officer.dial);
  } else {
    vr.enqueue({ action, method: 'POST' }, officer.queue);
  }
}

/**
 * The caller waits in `queue` (one handoff's own queue); Twilio requests `waitUrl` (POST, signed) for
 * the hold TwiML, again each time it ends, and `action` when the caller leaves the queue.
 */
export function enqueueForOfficer(vr: VoiceResponse, queue: string, waitUrl: string, action: string): void {
  vr.enqueue({ action, method: 'POST', waitUrl, waitUrlMethod: 'POST' }, queue);
}

/** Seconds the officer's call waits for the caller in the queue (it may have just hung up). */
export const OFFICER_DIAL_TIMEOUT = 20;

/** The TwiML of the call to an officer: a word, then <Dial><Queue> bridges them to the waiting caller. */
export function officerCallTwiml(queue: string): string {
  const vr = newResponse();
  say(vr, PROMPTS.officerCall);
  vr.dial({ timeout: OFFICER_DIAL_TIMEOUT }).queue(queue);
  say(vr, PROMPTS.officerCallEnded);
  return vr.toString();
}
