/**
 * Message search on the wire (docs/protocol.md "Search"): a bounded scan of the history of the
 * conversations the caller may read, newest first, resumed with a cursor. Shared by the server and
 * both clients.
 */
import * as v from 'valibot';
import { MAX_CONVERSATION_ID_LENGTH, MAX_CURSOR_LENGTH, MAX_FRAME_ID_LENGTH } from './limits';

/** Shortest and longest query, in code points after normalisation (normalizeSearchText). */
export const MIN_SEARCH_CHARS = 2;
export const MAX_SEARCH_CHARS = 30;
/** Results per `search` page when the frame names no limit, and the most it may ask for. */
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
/**
 * Messages one `search` request reads at most (across conversations). The page then ends with a
 * cursor even if it found fewer results than asked: the cost of one request is bounded by this,
 * not by how much history there is (docs/benchmarks.md "Search").
 */
export const SEARCH_SCAN_BUDGET = 2000;
/**
 * History queries one `search` request makes at most: many short conversations (a thousand
 * students who each wrote once) end a page by this bound before the message budget, so a request's
 * round trips stay bounded too.
 */
export const SEARCH_QUERY_BUDGET = 50;
/** Code points of context a snippet keeps around the match, on each side. */
export const SEARCH_SNIPPET_CONTEXT = 20;

/**
 * How queries and texts are compared: each character folded on its own with NFKC (full-width ＡＢＣ
 * and half-width katakana fold to their usual forms) then lower case; whitespace runs become one
 * space and the ends are trimmed. A substring match on this form needs no word splitting, so
 * "预约" finds "我想预约三楼". `origin[i]` is the code point of `text` that UTF-16 unit `i` of
 * `folded` came from (to cut a snippet of the original text around a match).
 */
export function foldSearchText(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let afterSpace = true;
  Array.from(text).forEach((char, i) => {
    if (/\s/u.test(char)) {
      if (!afterSpace) {
        folded += ' ';
        origin.push(i);
        afterSpace = true;
      }
      return;
    }
    const piece = char.normalize('NFKC').toLowerCase();
    for (let unit = 0; unit < piece.length; unit++) origin.push(i);
    folded += piece;
    afterSpace = false;
  });
  if (folded.endsWith(' ')) {
    folded = folded.slice(0, -1);
    origin.pop();
  }
  return { folded, origin };
}

/** The normalised form of a query (foldSearchText); its length in code points is what is checked. */
export function normalizeSearchText(text: string): string {
  return foldSearchText(text).folded;
}

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));

/**
 * Searches the caller's readable messages (or one conversation's) for `query`. The length of the
 * normalised query is checked by the server (BAD_REQUEST outside MIN..MAX_SEARCH_CHARS).
 */
export const SearchFrame = v.object({
  action: v.literal('search'),
  id: v.optional(frameId),
  query: v.pipe(v.string(), v.maxLength(MAX_SEARCH_CHARS * 8)),
  conversationId: v.optional(
    v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH)),
  ),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(SEARCH_MAX_LIMIT))),
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CURSOR_LENGTH))),
});

/** One message that matched: where it is (open the conversation at `seq`) and a snippet. */
export const SearchResult = v.object({
  conversationId: v.string(),
  /** The conversation's title (rooms) or the student's name (support), for the results list. */
  conversationTitle: v.string(),
  seq: v.number(),
  senderName: v.string(),
  /** The matching part of the text with up to SEARCH_SNIPPET_CONTEXT code points either side. */
  snippet: v.string(),
  /** Where the match starts and how long it is, in code points of `snippet` (for highlighting). */
  matchStart: v.number(),
  matchLength: v.number(),
  /** ISO 8601. */
  sentAt: v.string(),
});

/**
 * A page of results, newest first. `cursor` present: the scan stopped (at the result limit or the
 * scan budget) and more history remains; send the same query with it to go on. `scanned` is how
 * many messages this request read.
 */
export const SearchResultsFrame = v.object({
  type: v.literal('searchresults'),
  id: v.optional(v.string()),
  query: v.string(),
  results: v.array(SearchResult),
  scanned: v.number(),
  cursor: v.optional(v.string()),
});

export type SearchFrame = v.InferOutput<typeof SearchFrame>;
export type SearchResult = v.InferOutput<typeof SearchResult>;
export type SearchResultsFrame = v.InferOutput<typeof SearchResultsFrame>;
