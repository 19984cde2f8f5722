/**
 * Conversation ids carry their kind: `support:<studentId>` is the one support thread of a student
 * with the desk; `room:<id>` is a group room. Authorization of support threads needs no lookup.
 */

/** The fan-out topic every admin connection subscribes to: it receives all support traffic. */
export const ADMINS_TOPIC = 'admins';

const SUPPORT_PREFIX = 'support:';
const ROOM_PREFIX = 'room:';

export type ParsedConversationId =
  | { readonly kind: 'support'; readonly id: string; readonly studentId: string }
  | { readonly kind: 'room'; readonly id: string };

/** The support conversation of a student. */
export function supportConversationId(studentId: string): string {
  return `${SUPPORT_PREFIX}${studentId}`;
}

/** A new room id from a random, URL-safe token. */
export function roomConversationId(token: string): string {
  return `${ROOM_PREFIX}${token}`;
}

/** The kind and owner of a conversation id, or undefined when it is not one of ours. */
export function parseConversationId(id: string): ParsedConversationId | undefined {
  if (id.startsWith(SUPPORT_PREFIX) && id.length > SUPPORT_PREFIX.length) {
    return { kind: 'support', id, studentId: id.slice(SUPPORT_PREFIX.length) };
  }
  if (id.startsWith(ROOM_PREFIX) && id.length > ROOM_PREFIX.length) {
    return { kind: 'room', id };
  }
  return undefined;
}

/** The topics a message in this conversation is delivered to. */
export function deliveryTopics(conversation: ParsedConversationId): string[] {
  return conversation.kind === 'support' ? [conversation.id, ADMINS_TOPIC] : [conversation.id];
}
