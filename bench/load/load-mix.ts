/**
 * The campus-day mix of simulated users: a few desk admins, a few busy rooms, some students
 * chatting with the desk, and most students idle (connected, heartbeating, their support
 * conversation open).
 */
import type { LoadSizes } from './load-options';

export type Behaviour = 'desk' | 'room' | 'chatter' | 'idle';

export interface LoadUser {
  readonly name: string;
  readonly role: 'student' | 'admin';
  readonly behaviour: Behaviour;
  /** Index of the room this user posts in (room members). */
  readonly room?: number;
}

/** The users of a run, admins first. Names carry the run's prefix. */
export function campusMix(sizes: LoadSizes, prefix: string): LoadUser[] {
  const users: LoadUser[] = [];
  for (let i = 0; i < sizes.admins; i++) {
    users.push({ name: `${prefix}desk${i + 1}`, role: 'admin', behaviour: 'desk' });
  }
  for (let room = 0; room < sizes.rooms; room++) {
    for (let m = 0; m < sizes.roomMembers; m++) {
      users.push({ name: `${prefix}r${room}m${m}`, role: 'student', behaviour: 'room', room });
    }
  }
  for (let i = 0; i < sizes.chatters; i++) {
    users.push({ name: `${prefix}chat${i}`, role: 'student', behaviour: 'chatter' });
  }
  for (let i = users.length; i < sizes.users; i++) {
    users.push({ name: `${prefix}idle${i}`, role: 'student', behaviour: 'idle' });
  }
  return users;
}
