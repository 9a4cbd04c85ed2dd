// Sign-in, shown when the registry answers 401: HTTP Basic (a user name and
// password) or a bearer token, kept in this tab's session only.

import { h } from '../dom.js';
import { signIn } from '../api.js';

/** Shows the form; resolves true once credentials were given, false if cancelled. */
export function askForCredentials(reason) {
  return new Promise((resolve) => {
    let kind = 'basic';
    const user = h('input', { id: 'signin-user', name: 'user', autocomplete: 'username', required: true });
    const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password' });
    const token = h('input', { id: 'signin-token', name: 'token', type: 'password', autocomplete: 'off' });
    const basicFields = h(
      'div',
      { class: 'field-group' },
      h('p', {}, h('label', { for: 'signin-user' }, 'User name'), user),
      h('p', {}, h('label', { for: 'signin-password' }, 'Password'), password),
    );
    const tokenFields = h('div', { class: 'field-group', hidden: true }, h('p', {}, h('label', { for: 'signin-token' }, 'Token'), token));
    const choose = (value) => {
      kind = value;
      basicFields.hidden = value !== 'basic';
      tokenFields.hidden = value !== 'token';
      user.required = value === 'basic';
      token.required = value === 'token';
    };
    const radio = (value, label) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'kind', value, checked: value === 'basic', onchange: () => choose(value) }),
        ' ',
        label,
      );
    let answered = false;
    const finish = (result) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    const form = h(
      'form',
      {
        method: 'dialog',
        onsubmit: (event) => {
          event.preventDefault();
          if (kind === 'basic') signIn({ user: user.value, password: password.value });
          else signIn({ token: token.value });
          finish(true);
        },
      },
      h('h2', { id: 'signin-title' }, 'Sign in to the registry'),
      reason ? h('p', { class: 'muted' }, reason) : null,
      h('fieldset', {}, h('legend', {}, 'With'), radio('basic', 'a user name and password'), radio('token', 'a token')),
      basicFields,
      tokenFields,
      h('p', { class: 'muted' }, 'Kept in this browser tab only, until you sign out or close it.'),
      h(
        'p',
        { class: 'actions' },
        h('button', { type: 'submit' }, 'Sign in'),
        ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => finish(false) }, 'Cancel'),
      ),
    );
    const dialog = h('dialog', { id: 'signin', 'aria-labelledby': 'signin-title' }, form);
    dialog.addEventListener('cancel', () => finish(false));
    document.body.appendChild(dialog);
    dialog.showModal();
    user.focus();
  });
}
