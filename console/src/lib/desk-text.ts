/** Words for the desk's inbox rows: how long a student has waited, and who has the conversation. */
import type { Translator } from '../../../client/index';
import type { ListItem } from './conversation-list';

/** "已等待 5 分钟" from the student's oldest unanswered message; empty when nobody waits. */
export function waitingText(tr: Translator, waitingSince: string | undefined, now: number): string {
  if (waitingSince === undefined) return '';
  const minutes = Math.floor(Math.max(0, now - Date.parse(waitingSince)) / 60_000);
  if (minutes < 1) return tr.t('desk.waitingNow');
  if (minutes < 60) return tr.t('desk.waitingMinutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return tr.t('desk.waitingHours', { hours });
  return tr.t('desk.waitingDays', { days: Math.floor(hours / 24) });
}

/** "处理中 · 王老师 · 已等待 5 分钟" for a support conversation in a staff member's inbox. */
export function deskLine(
  tr: Translator,
  item: ListItem,
  me: string | undefined,
  now: number,
): string {
  if (item.deskState === undefined) return '';
  const owner =
    item.deskState === 'claimed' && item.ownerName !== undefined
      ? item.ownerId === me
        ? tr.t('desk.ownedByMe')
        : item.ownerName
      : '';
  return [tr.t(`desk.state.${item.deskState}`), owner, waitingText(tr, item.waitingSince, now)]
    .filter((part) => part !== '')
    .join(' · ');
}
