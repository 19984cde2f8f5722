/**
 * Scan to log in from the browser (protocol/web-login.ts): ask for a ticket, show its code, and
 * poll with the ticket's poll secret until a staff member approved it on their phone — then the
 * answer is the console's session. The poll secret stays in this tab's memory; it is in no URL and
 * not in the code.
 */
import * as v from 'valibot';
import { type Session, sessionFromLogin } from '../../../client/index';
import { WebLoginPoll, WebLoginTicket } from '../../../protocol/web-login';

/** What a ticket's poll said, for the view. */
export type ScanState =
  | { readonly kind: 'code'; readonly ticket: WebLoginTicket }
  | { readonly kind: 'scanned' }
  | { readonly kind: 'ended'; readonly reason: 'refused' | 'expired' | 'used' | 'failed' }
  | { readonly kind: 'done'; readonly session: Session };

/**
 * Runs one scan-to-login attempt: reports each state to `onState` until it ends (approved,
 * refused, expired, used, or failed), or until `signal` aborts.
 */
export async function scanToLogIn(
  webLoginUrl: string,
  onState: (state: ScanState) => void,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  let ticket: WebLoginTicket;
  try {
    const response = await fetchImpl(webLoginUrl, { method: 'POST', signal });
    const parsed = v.safeParse(WebLoginTicket, await response.json());
    if (response.status !== 201 || !parsed.success) throw new Error(String(response.status));
    ticket = parsed.output;
  } catch {
    if (!signal.aborted) onState({ kind: 'ended', reason: 'failed' });
    return;
  }
  onState({ kind: 'code', ticket });
  const until = Date.parse(ticket.expiresAt);
  let scanned = false;
  let failures = 0;
  while (!signal.aborted) {
    await sleep(ticket.pollIntervalMs, signal);
    if (signal.aborted) return;
    let poll: WebLoginPoll | undefined;
    try {
      const response = await fetchImpl(`${webLoginUrl}/${ticket.ticket}`, {
        headers: { authorization: `Bearer ${ticket.pollSecret}` },
        signal,
      });
      const body: unknown = await response.json();
      const parsed = v.safeParse(WebLoginPoll, body);
      if (response.ok && parsed.success) poll = parsed.output;
      failures = poll ? 0 : failures + 1;
    } catch {
      failures += 1;
    }
    if (!poll) {
      // A passing network failure is retried until the ticket would have expired anyway.
      if (failures >= 5 || Date.now() > until) {
        onState({ kind: 'ended', reason: Date.now() > until ? 'expired' : 'failed' });
        return;
      }
      continue;
    }
    if (poll.status === 'approved') {
      onState({ kind: 'done', session: sessionFromLogin(200, poll) });
      return;
    }
    if (poll.status === 'scanned' && !scanned) {
      scanned = true;
      onState({ kind: 'scanned' });
    }
    if (poll.status === 'refused' || poll.status === 'expired' || poll.status === 'used') {
      onState({ kind: 'ended', reason: poll.status });
      return;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
