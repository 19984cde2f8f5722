/**
 * Reading what the server sends: protocol frames (validated with the shared schemas) and API
 * Gateway's own failure frame, which has no `type`.
 */
import * as v from 'valibot';
import { GatewayErrorFrame, ServerFrame } from '../protocol/server-frames';

export type IncomingFrame =
  | { readonly kind: 'frame'; readonly frame: ServerFrame }
  | { readonly kind: 'gatewayError'; readonly message: string }
  | { readonly kind: 'unknown'; readonly raw: string };

/** Classifies one received text frame; never throws. */
export function readFrame(data: string): IncomingFrame {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return { kind: 'unknown', raw: data };
  }
  const frame = v.safeParse(ServerFrame, body);
  if (frame.success) return { kind: 'frame', frame: frame.output };
  if (body !== null && typeof body === 'object' && !('type' in body)) {
    const gateway = v.safeParse(GatewayErrorFrame, body);
    if (gateway.success) return { kind: 'gatewayError', message: gateway.output.message };
  }
  return { kind: 'unknown', raw: data };
}
