/**
 * Shared progressive enhancement (served at /assets/app.js): a form or button with `data-confirm`
 * asks first. Pages work without it; it only adds the question.
 */
export const APP_JS = String.raw`
document.addEventListener("submit", (event) => {
  const form = event.target;
  const text = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (text && !window.confirm(text)) event.preventDefault();
});
`;
