/**
 * The chat page's desk line for staff, as a behavior (WeChat's mixin for components:
 * https://developers.weixin.qq.com/miniprogram/dev/framework/custom-component/behaviors.html):
 * the desk-bar and staff-picker data and their event handlers, so the page only starts and stops
 * it. The workflow itself (state, actions, transfer choice) is lib/desk-workflow.ts.
 */
import type { ChatClient, DeskAction, Translator } from '../core';
import { deskInfoOf } from '../core';
import { changedFields } from '../lib/chat-window';
import { type ColleagueRow, deskInfoFromQuery, DeskWorkflow } from '../lib/desk-workflow';
import { chooseAction, toast } from '../services/ui';

/** What the behavior needs of the page it is mixed into. */
interface Host {
  readonly data: Readonly<Record<string, unknown>>;
  setData(data: Record<string, unknown>): void;
}

interface LineState {
  readonly desk: DeskWorkflow;
  readonly stop: () => void;
  /** The open staff picker's answer. */
  picked?: (index: number | undefined) => void;
}

// Not in `data`: setData would copy it to the view layer.
const lines = new WeakMap<object, LineState>();

/** The staff-picker is answered: a row's index, or undefined (cancelled). */
function closePicker(host: Host, index: number | undefined): void {
  const line = lines.get(host);
  const answer = line?.picked;
  if (line) delete line.picked;
  host.setData({ pickerOpen: false, pickerRows: [] });
  answer?.(index);
}

/** Opens the staff-picker with `rows`; resolves with the index tapped, or undefined. */
function pickColleague(host: Host, rows: readonly ColleagueRow[]): Promise<number | undefined> {
  const line = lines.get(host);
  if (!line) return Promise.resolve(undefined);
  line.picked?.(undefined);
  host.setData({ pickerOpen: true, pickerRows: [...rows] });
  return new Promise((resolve) => {
    line.picked = resolve;
  });
}

/** Sends the desk line's fields that changed. */
function render(host: Host): void {
  const view = lines.get(host)?.desk.view();
  if (!view) return;
  const update = changedFields(host.data, { ...view });
  if (Object.keys(update).length > 0) host.setData(update);
}

/**
 * Starts the line for staff in a support conversation: from the state the inbox row held (the
 * page's query) or else the first `conversations` page, then live from `deskstate` frames.
 */
export async function startDeskLine(
  host: Host,
  client: ChatClient,
  tr: Translator,
  me: string,
  conversationId: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const desk = new DeskWorkflow(
    client,
    tr,
    me,
    conversationId,
    {
      choose: (items) => chooseAction(items),
      pickColleague: (rows) => pickColleague(host, rows),
      notice: (text) => toast(text),
    },
    () => render(host),
  );
  lines.set(host, { desk, stop: desk.watch() });
  const listed = deskInfoFromQuery(query);
  if (listed) {
    desk.set(listed);
    return;
  }
  try {
    const page = await client.conversations();
    const found = page.conversations.find((c) => c.id === conversationId);
    if (found && !desk.known) desk.set(deskInfoOf(found));
  } catch {
    // The line appears with the next desk change.
  }
}

/** Stops following desk changes (the page unloads). */
export function stopDeskLine(host: Host): void {
  const line = lines.get(host);
  line?.picked?.(undefined);
  line?.stop();
  lines.delete(host);
}

export const deskLine = Behavior({
  data: {
    deskShown: false,
    deskStatus: '',
    deskActions: [] as { action: DeskAction; label: string }[],
    deskBusy: false,
    pickerOpen: false,
    pickerRows: [] as ColleagueRow[],
  },
  methods: {
    /** A desk-bar button (`action` event). */
    onDeskAction(event: WechatMiniprogram.CustomEvent<{ action: DeskAction }>) {
      void lines.get(this)?.desk.run(event.detail.action);
    },
    onPickerPick(event: WechatMiniprogram.CustomEvent<{ index: number }>) {
      closePicker(this, event.detail.index);
    },
    onPickerCancel() {
      closePicker(this, undefined);
    },
  },
});
