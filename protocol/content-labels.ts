/**
 * What content security found in a refused text, as words the clients translate
 * (`CONTENT_REJECTED`'s `label`). The server maps WeChat msgSecCheck's numeric labels onto these
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html:
 * 100 正常, 10001 广告, 20001 时政, 20002 色情, 20003 辱骂, 20006 违法犯罪, 20008 欺诈,
 * 20012 低俗, 20013 版权, 21000 其他); a label WeChat adds later reads as `other`.
 */
export const CONTENT_LABELS = [
  'ad',
  'politics',
  'porn',
  'abuse',
  'crime',
  'fraud',
  'vulgar',
  'copyright',
  'other',
] as const;

export type ContentLabel = (typeof CONTENT_LABELS)[number];

const BY_WECHAT_LABEL: Readonly<Record<number, ContentLabel>> = {
  10001: 'ad',
  20001: 'politics',
  20002: 'porn',
  20003: 'abuse',
  20006: 'crime',
  20008: 'fraud',
  20012: 'vulgar',
  20013: 'copyright',
  21000: 'other',
};

/** The label word for one of msgSecCheck's numeric labels. */
export function contentLabel(wechatLabel: number): ContentLabel {
  return BY_WECHAT_LABEL[wechatLabel] ?? 'other';
}
