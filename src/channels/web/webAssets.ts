// The browser channel's only assets, served from our origin (strict CSP, no third parties, no build step): one
// stylesheet, one script that submits answer forms, polls waiting pages and gives live password feedback. Pages
// work without the script.
export const WEB_STYLESHEET = `
:root { color-scheme: light dark; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { font: 1.05rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1rem; }
main { max-width: 34rem; margin: 2rem auto; }
h1 { font-size: 1.5rem; line-height: 1.25; }
.skip { position: absolute; left: -10000px; }
.skip:focus { position: static; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
legend { font-weight: 600; margin-bottom: .5rem; }
label { display: block; margin: .5rem 0; }
.choice { display: flex; gap: .6rem; align-items: center; padding: .6rem; border: 1px solid #8888; border-radius: .4rem; }
input[type=text], input[type=password] { font-size: 1.25rem; padding: .5rem; width: 100%; max-width: 14rem; letter-spacing: .15em; }
button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: .4rem; border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; }
:focus-visible { outline: 3px solid #e08a00; outline-offset: 2px; }
.number { font-size: 2.5rem; font-weight: 700; }
.notice { padding: .75rem; border-left: 4px solid #c62828; background: #c6282814; }
`;

/**
 * Submits forms marked data-autosubmit (the answer to Entra) and, on waiting pages, asks the status URL every
 * 2 s and reloads when it says something changed.
 */
export const WEB_SCRIPT = `
(function () {
  var form = document.querySelector('form[data-autosubmit]');
  if (form) { form.submit(); return; }
  var strengthForm = document.querySelector('form[data-strength]');
  if (strengthForm) watchStrength(strengthForm);
  var main = document.querySelector('main[data-poll]');
  if (!main) return;
  var url = main.getAttribute('data-poll');
  function poll() {
    fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : { state: 'changed' }; })
      .then(function (s) { if (s.state === 'waiting') setTimeout(poll, 2000); else window.location.reload(); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);

  // Live password feedback: the server's verdict (same rules as on submit) in a polite live region, as text only.
  function watchStrength(f) {
    var input = f.querySelector('input[name=password]');
    var out = document.getElementById('strength');
    var csrf = f.querySelector('input[name=csrf]');
    if (!input || !out || !csrf) return;
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams({ csrf: csrf.value, password: input.value });
        fetch(f.getAttribute('data-strength'), { method: 'POST', body: body, credentials: 'same-origin', cache: 'no-store' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (v) {
            if (!v) return;
            out.textContent = '';
            [v.strength].concat(v.problems).forEach(function (line) {
              var p = document.createElement('p');
              p.textContent = line;
              out.appendChild(p);
            });
          })
          .catch(function () {});
      }, 400);
    });
  }
})();
`;
