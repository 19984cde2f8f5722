/**
 * The words of the desk's automatic reply (protocol/desk-hours.ts) in a locale: whether the desk
 * is closed or only away, and the service hours, e.g. "服务台现在不在线。服务时间：周一至周五
 * 08:30–17:30；周六 09:00–12:00。我们上线后会尽快回复你。". Both clients show it this way; the
 * server stores the Chinese rendering as the message's `text` (previews, older clients).
 */
import type { AutoReply, DeskHoursRule } from '../protocol/desk-hours';
import type { MessageId, Translator } from './i18n/index';

function weekday(tr: Translator, day: number): string {
  return tr.t(`weekday.${day}` as MessageId);
}

/** The service hours, rule by rule: "周一至周五 08:30–17:30；周六 09:00–12:00". */
export function deskHoursText(tr: Translator, hours: readonly DeskHoursRule[]): string {
  return hours
    .map((rule) =>
      tr.t('auto.rule', {
        days:
          rule.from === rule.to
            ? weekday(tr, rule.from)
            : tr.t('auto.dayRange', { from: weekday(tr, rule.from), to: weekday(tr, rule.to) }),
        start: rule.start,
        end: rule.end,
      }),
    )
    .join(tr.t('auto.ruleSeparator'));
}

/** The whole automatic reply. */
export function autoReplyText(tr: Translator, auto: AutoReply): string {
  return tr.t(auto.withinHours ? 'auto.deskAwayOpen' : 'auto.deskAwayClosed', {
    hours: deskHoursText(tr, auto.hours),
  });
}
