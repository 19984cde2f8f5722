/**
 * The login form. The local stack's stand-in for WeChat turns the user id `<id>` into user
 * `<id>`; ids listed in ADMINS (by default `admin`) are the desk.
 */
import { LoginError, type Session } from '../../../client/index';
import { MAX_DISPLAY_NAME_CHARS } from '../../../functions/protocol/limits';
import { login } from '../browser/login';
import { h } from '../dom';

/** The login page; calls `done` with the new session. */
export function loginView(loginUrl: string, done: (session: Session) => void): HTMLElement {
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
  const submit = h('button', { type: 'submit' }, 'Log in');
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'login-form', 'aria-labelledby': 'login-heading' },
    h('h2', { id: 'login-heading' }, 'Log in'),
    h('label', { for: 'login-id' }, 'User id'),
    userId,
    h(
      'p',
      { id: 'login-id-hint', class: 'muted' },
      'Letters, digits, _ or -. ',
      h('strong', {}, 'admin'),
      ' is the desk; any other id is a student.',
    ),
    h('label', { for: 'login-name' }, 'Display name (optional)'),
    name,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    login(loginUrl, userId.value.trim(), name.value.trim() || undefined).then(done, (failure) => {
      submit.disabled = false;
      error.textContent =
        failure instanceof LoginError ? failure.message : 'Logging in failed. Try again.';
      userId.focus();
    });
  });
  queueMicrotask(() => userId.focus());
  return h(
    'main',
    { class: 'login' },
    h('h1', {}, 'campus-chat console'),
    h(
      'p',
      { class: 'muted' },
      'Chat with the study-room desk. Open a second tab to be the desk and a student side by side.',
    ),
    form,
  );
}
