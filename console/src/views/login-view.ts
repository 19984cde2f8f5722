/**
 * The login form. The local stack's stand-in for WeChat turns the user id `<id>` into user
 * `<id>`; ids listed in ADMINS (by default `admin`) are the desk. The id is not case-sensitive
 * here (normalizeDevUserId: `Admin` logs in as `admin`), and the hint says so.
 */
import {
  LoginError,
  loginErrorText,
  normalizeDevUserId,
  type Session,
  type Translator,
} from '../../../client/index';
import { MAX_DISPLAY_NAME_CHARS } from '../../../protocol/limits';
import { login } from '../browser/login';
import { h } from '../dom';
import { languageSwitch } from '../i18n';
import { brand } from './brand';

/** The login page; calls `done` with the new session. */
export function loginView(
  tr: Translator,
  loginUrl: string,
  done: (session: Session) => void,
): HTMLElement {
  const userId = h('input', {
    id: 'login-id',
    name: 'id',
    required: true,
    pattern: '[A-Za-z0-9_\\-]{1,32}',
    maxlength: 32,
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    'aria-describedby': 'login-id-hint',
  });
  const name = h('input', {
    id: 'login-name',
    name: 'name',
    maxlength: MAX_DISPLAY_NAME_CHARS,
    autocomplete: 'nickname',
  });
  const submit = h('button', { type: 'submit' }, tr.t('login.button'));
  const error = h('p', { class: 'error', role: 'alert' });
  const [hintBefore, hintAfter] = tr.t('login.userIdHint').split('{admin}');
  const form = h(
    'form',
    { class: 'login-form', 'aria-labelledby': 'login-heading' },
    h('h2', { id: 'login-heading' }, tr.t('login.heading')),
    h('label', { for: 'login-id' }, tr.t('login.userId')),
    userId,
    h(
      'p',
      { id: 'login-id-hint', class: 'muted' },
      hintBefore ?? '',
      h('strong', {}, 'admin'),
      hintAfter ?? '',
    ),
    h('label', { for: 'login-name' }, tr.t('login.displayName')),
    name,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    login(loginUrl, normalizeDevUserId(userId.value), name.value.trim() || undefined).then(
      done,
      (failure: unknown) => {
        submit.disabled = false;
        error.textContent = loginErrorText(
          tr,
          failure instanceof LoginError ? failure.code : 'UNKNOWN',
          failure instanceof LoginError ? failure.label : undefined,
        );
        userId.focus();
      },
    );
  });
  queueMicrotask(() => userId.focus());
  return h(
    'main',
    { class: 'login' },
    h('div', { class: 'login-top' }, brand(tr, 'h1'), languageSwitch(tr)),
    h('p', { class: 'muted' }, tr.t('login.intro')),
    form,
  );
}
