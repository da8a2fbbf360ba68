import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { Email, OrgName, Password } from "../schemas";
import { logIn, logOut, signUp } from "../workers/gateway/accounts/service";
import { clearSessionCookie, csrfToken, readSessionCookie, setSessionCookie, verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AppEnv } from "../workers/gateway/env";
import { formAction, readForm } from "./forms";
import { errorBox, page } from "./layout";
import { pageAuth, safeNext } from "./session";

const SignUpForm = z.object({
  email: Email,
  password: Password,
  orgName: z.union([z.literal("").transform(() => undefined), OrgName]).optional(),
});
const LogInForm = z.object({ email: Email, password: z.string().min(1).max(256), next: z.string().max(2048).optional() });

function signUpPage(csrf: string, error?: string) {
  return page(
    "Sign up",
    html`<h1>Create your account</h1>${errorBox(error)}
      <form method="post" action="/signup">
        <input type="hidden" name="csrf" value="${csrf}">
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
        <label for="password">Password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="orgName">Organization name (optional)</label><input id="orgName" name="orgName" type="text">
        <button type="submit">Sign up</button>
      </form>
      <p>Already have an account? <a href="/login">Log in</a>.</p>`,
  );
}

function logInPage(csrf: string, next: string, error?: string) {
  return page(
    "Log in",
    html`<h1>Log in</h1>${errorBox(error)}
      <form method="post" action="/login">
        <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Log in</button>
      </form>
      <p>New here? <a href="/signup">Create an account</a>.</p>`,
  );
}

/** Sign-up, log-in and log-out pages, server-rendered, CSRF-protected. */
export const authPages = new Hono<AppEnv>()
  .get("/", async (c) => c.redirect((await pageAuth(c)) ? "/connect" : "/login", 303))
  .get("/signup", (c) => c.html(signUpPage(csrfToken(c))))
  .post("/signup", (c) =>
    formAction(
      async () => {
        const form = await readForm(c, SignUpForm);
        const result = await signUp(c.env, c.req.raw.headers, { email: form.email, password: form.password, orgName: form.orgName });
        setSessionCookie(c, result.sessionToken);
        return c.redirect("/connect", 303);
      },
      (error, status) => c.html(signUpPage(csrfToken(c), error), status as 400),
    ),
  )
  .get("/login", (c) => c.html(logInPage(csrfToken(c), safeNext(c.req.query("next")))))
  .post("/login", (c) =>
    formAction(
      async () => {
        const form = await readForm(c, LogInForm);
        const result = await logIn(c.env, c.req.raw.headers, { email: form.email, password: form.password });
        setSessionCookie(c, result.sessionToken);
        return c.redirect(safeNext(form.next), 303);
      },
      async (error, status) => {
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const next = typeof body.next === "string" ? body.next : undefined;
        return c.html(logInPage(csrfToken(c), safeNext(next), error), status as 400);
      },
    ),
  )
  .post("/logout", async (c) => {
    const body = await c.req.parseBody();
    verifyCsrf(c, typeof body.csrf === "string" ? body.csrf : undefined);
    await logOut(c.env, readSessionCookie(c));
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });
