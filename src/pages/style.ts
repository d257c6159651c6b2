// The one stylesheet of the pages, served at STYLESHEET_PATH so the CSP can say `style-src 'self'` with no inline
// style. Plain CSS: readable type, visible focus, high-contrast errors, no JavaScript.
export const STYLESHEET_PATH = '/assets/style.css';

export const STYLESHEET = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5; }
body { margin: 0; }
header, main { max-width: 28rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { font-weight: 600; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
form, .fields { display: grid; gap: 0.75rem; margin: 0 0 1rem; }
label { font-weight: 600; }
input { font: inherit; padding: 0.5rem 0.625rem; border: 1px solid #767676; border-radius: 0.375rem; }
button { font: inherit; padding: 0.5rem 1rem; border: 0; border-radius: 0.375rem; background: #1a56db; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; border: 1px solid #767676; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.hint { margin: -0.5rem 0 0; font-size: 0.875rem; opacity: 0.85; }
.error { padding: 0.625rem 0.75rem; border-left: 4px solid #c81e1e; background: rgba(200, 30, 30, 0.1); }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
code.wrap { overflow-wrap: anywhere; }
textarea { font: inherit; min-height: 4.5rem; padding: 0.5rem 0.625rem; border: 1px solid #767676; border-radius: 0.375rem; }
input[readonly] { font-family: ui-monospace, monospace; }
fieldset { display: grid; gap: 0.25rem; margin: 0; padding: 0; border: 0; }
legend { font-weight: 600; padding: 0; margin-bottom: 0.25rem; }
label.choice { font-weight: 400; display: flex; gap: 0.5rem; align-items: baseline; }
button.danger { background: #c81e1e; }
a.button { display: inline-block; padding: 0.5rem 1rem; border-radius: 0.375rem; background: #1a56db; color: #fff; text-decoration: none; }
.warning { padding: 0.625rem 0.75rem; border-left: 4px solid #f59e0b; background: rgba(245, 158, 11, 0.12); }
.client { display: flex; gap: 1rem; align-items: center; margin: 0 0 1rem; }
.client-links { margin: 0; padding-left: 1.25rem; font-size: 0.875rem; }
.notice { padding: 0.625rem 0.75rem; border-left: 4px solid #0e9f6e; background: rgba(14, 159, 110, 0.12); }
ul.items { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.75rem; }
ul.items > li { padding: 0.75rem; border: 1px solid #767676; border-radius: 0.375rem; }
code { overflow-wrap: anywhere; }
`;
