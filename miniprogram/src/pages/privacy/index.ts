/**
 * The privacy page: what the app collects and why (openid, nickname, messages; images once media
 * arrives), in the app's language, and the way to WeChat's page of the full guideline.
 */
import { labels } from '../../lib/labels';
import { appTranslator } from '../../services/locale';
import { openPrivacyContract } from '../../services/privacy';
import { setTitle } from '../../services/ui';

Component({
  data: {
    t: {} as Record<string, string>,
    lang: '',
  },
  methods: {
    onLoad() {
      const tr = appTranslator();
      setTitle(tr.t('privacy.pageTitle'));
      this.setData({
        lang: tr.tag,
        t: labels(tr, {
          collectTitle: 'privacy.collectTitle',
          openid: 'privacy.openid',
          nickname: 'privacy.nickname',
          messages: 'privacy.messages',
          images: 'privacy.images',
          purpose: 'privacy.purpose',
          open: 'privacy.open',
        }),
      });
    },

    onContract() {
      openPrivacyContract();
    },
  },
});
