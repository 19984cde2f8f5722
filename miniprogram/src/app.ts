/** The app: connects at launch when a session is stored (pages call startChat() as well). */

import { startChat } from './services/chat-session';
import { storedSession } from './services/login';

App({
  onLaunch() {
    // Connect early when a session is stored; a failure here shows on the pages that need it.
    void storedSession()
      .then((session) => (session ? startChat() : undefined))
      .catch(() => undefined);
  },
});
