/** The one stylesheet (served at /assets/app.css): no inline styles, so the CSP can forbid them. */
export const APP_CSS = `
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; margin-bottom: 1.5rem; }
  header a, header form { margin-left: 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=password], input[type=text], select, textarea { width: 100%; padding: .5rem; box-sizing: border-box; }
  textarea { font-family: ui-monospace, monospace; }
  button { margin-top: 1rem; padding: .5rem 1rem; cursor: pointer; }
  form.inline { display: inline; }
  form.inline button { margin: 0; }
  pre, code { background: #f4f4f6; border-radius: 4px; }
  pre { padding: .75rem; overflow-x: auto; }
  .error { background: #fde8e8; border: 1px solid #f5b5b5; padding: .5rem .75rem; border-radius: 4px; }
  .notice { background: #e8f6ea; border: 1px solid #a9dcb1; padding: .5rem .75rem; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .35rem; border-bottom: 1px solid #eee; }
  body { max-width: 72rem; }
  nav.main { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
  nav.main a[aria-current="page"] { font-weight: 700; text-decoration: none; }
  .muted { color: #6e6e73; }
  .tag { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: #eef; font-size: .85em; }
  .tag.write { background: #fff4e0; } .tag.destructive { background: #fde8e8; } .tag.read { background: #e8f6ea; }
  .grid { display: grid; grid-template-columns: 14rem 1fr; gap: 1.5rem; }
  fieldset { border: 1px solid #ddd; border-radius: 4px; margin: .75rem 0; }
  progress { width: 100%; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .25rem .5rem; }
  :focus-visible { outline: 2px solid #0a66c2; outline-offset: 2px; }
`;
