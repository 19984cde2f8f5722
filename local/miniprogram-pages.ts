/**
 * The mini-program's pages, read from its app.json: what WeChat knows as valid `page` values
 * (subscribeMessage.send, wxacode.getUnlimited answer 41030 for anything else).
 */
import app from '../miniprogram/src/app.json';

export const MINIPROGRAM_PAGES: readonly string[] = app.pages;
