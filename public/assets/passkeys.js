// The passkey forms' script (pages/passkey-*.tsx, pages/security-passkeys.tsx), served as is: no build step. It uses
// @simplewebauthn/browser's UMD bundle (the global SimpleWebAuthnBrowser, loaded just before). A form marked
// data-passkey="sign-in" | "sign-up" | "register" posts its fields to data-options for the WebAuthn options, asks
// the authenticator, puts its answer in the form's `response` field and submits the form, whose answer is a page.
// A sign-in form with data-conditional also offers passkeys in the username field's autofill (conditional mediation).
(() => {
  const webauthn = globalThis.SimpleWebAuthnBrowser;
  const forms = document.querySelectorAll('form[data-passkey]');

  function say(form, message) {
    const status = form.querySelector('[data-passkey-status]');
    if (status) status.textContent = message;
  }

  function statusText(form, name) {
    return form.querySelector('[data-passkey-status]')?.dataset[name] ?? '';
  }

  // The form's fields (the CSRF token, a username) without the answer, as the options endpoint reads them.
  async function fetchOptions(form) {
    const fields = new URLSearchParams(new FormData(form));
    fields.delete('response');
    const answer = await fetch(form.dataset.options, { method: 'POST', body: fields, credentials: 'same-origin' });
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok) throw new Error(body.error_description || statusText(form, 'failed'));
    return body;
  }

  async function ask(form, options, conditional) {
    if (form.dataset.passkey === 'sign-in') {
      return webauthn.startAuthentication({ optionsJSON: options, useBrowserAutofill: conditional });
    }
    return webauthn.startRegistration({ optionsJSON: options });
  }

  async function run(form, conditional) {
    try {
      if (!conditional) say(form, statusText(form, 'working'));
      const credential = await ask(form, await fetchOptions(form), conditional);
      form.elements.namedItem('response').value = JSON.stringify(credential);
      form.submit();
    } catch (error) {
      // A conditional request is aborted when the button starts another one: nothing to say.
      if (conditional && error?.name === 'AbortError') return;
      const cancelled = error?.name === 'NotAllowedError' || error?.name === 'AbortError';
      say(form, cancelled ? statusText(form, 'cancelled') : error?.message || statusText(form, 'failed'));
    }
  }

  for (const form of forms) {
    if (!webauthn?.browserSupportsWebAuthn()) {
      say(form, statusText(form, 'unsupported'));
      continue;
    }
    const start = form.querySelector('[data-passkey-start]');
    start.hidden = false;
    start.addEventListener('click', () => {
      // The sign-up form's username and email are checked by the browser before anything is asked.
      if (form.reportValidity()) run(form, false);
    });
    if (form.dataset.conditional) {
      webauthn.browserSupportsWebAuthnAutofill().then((supported) => supported && run(form, true));
    }
  }
})();
