/** Sign-in: an API key (kept in this tab's sessionStorage) and an optional purpose. */
import { ApiError, probeRole } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { keyIdOf, loadSession, saveSession } from '../session.js';
import { errorBox, notice } from '../ui.js';

/**
 * Renders the sign-in form into `main`.
 *
 * @example
 * await signInPage(main, new URL(location.href));
 */
export function signInPage(main: HTMLElement, url: URL): Promise<void> {
  document.title = 'Sign in · Docket';
  const status = h('div', { 'aria-live': 'polite' });
  const keyInput = h('input', {
    id: 'api-key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'dk_…',
    'aria-describedby': 'key-help',
  });
  const purposeInput = h('input', {
    id: 'purpose',
    name: 'purpose',
    type: 'text',
    maxlength: '500',
    placeholder: 'e.g. Q3 model risk review, GDPR Art. 15 request #42',
    value: loadSession()?.purpose ?? '',
    'aria-describedby': 'purpose-help',
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void signIn();
      },
    },
    h('label', { for: 'api-key' }, 'API key'),
    keyInput,
    h(
      'p',
      { id: 'key-help', class: 'help' },
      'A reader, auditor or admin key (',
      h('code', {}, 'docket keys create --role auditor --tenant default'),
      '). It stays in this browser tab only and is sent to this server alone.',
    ),
    h(
      'label',
      { for: 'purpose' },
      'Purpose of this session ',
      h('span', { class: 'muted' }, '(optional)'),
    ),
    purposeInput,
    h(
      'p',
      { id: 'purpose-help', class: 'help' },
      'Recorded in the access log with every decision you open, so others can see why it was read.',
    ),
    submit,
    status,
  );

  const signIn = async (): Promise<void> => {
    const key = keyInput.value.trim();
    const keyId = keyIdOf(key);
    if (keyId === undefined) {
      replace(
        status,
        notice(
          'warn',
          'That is not a Docket API key',
          'A key looks like dk_ followed by 16 letters, an underscore and 43 more characters.',
        ),
      );
      keyInput.focus();
      return;
    }
    submit.disabled = true;
    replace(status, h('p', { class: 'muted' }, 'Checking the key…'));
    try {
      const { role, tenant } = await probeRole(key);
      if (role === 'ingest') {
        replace(
          status,
          notice(
            'warn',
            'This is an ingest key',
            'It can record decisions but not read them. Sign in with a reader, auditor or admin key.',
          ),
        );
        return;
      }
      saveSession({ key, keyId, role, tenant, purpose: purposeInput.value.trim() });
      const next = url.searchParams.get('next');
      navigate(
        next !== null && next.startsWith('/ui/') && !next.startsWith('/ui/signin')
          ? next
          : '/ui/decisions',
      );
    } catch (error) {
      replace(
        status,
        error instanceof ApiError && error.status === 401
          ? notice(
              'warn',
              'The server does not know this key',
              'It may be mistyped or revoked. Ask an admin for a new one (docket keys create).',
            )
          : errorBox(error),
      );
      keyInput.focus();
    } finally {
      submit.disabled = false;
    }
  };

  replace(
    main,
    h('h1', { tabindex: '-1' }, 'Sign in to Docket'),
    h(
      'p',
      { class: 'lead' },
      'Find a decision, read why it was made, and check in your own browser that its record is intact.',
    ),
    form,
  );
  return Promise.resolve();
}
