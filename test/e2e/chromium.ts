import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's Chromium, installed by `.ci/run` (apt package `chromium`); no browser is downloaded. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

// The network here is closed: without the background-networking flags Chromium keeps dialling
// Google's hosts (update checks, sync, QUIC probes), and as root it cannot start sandboxed.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts a headless Debian Chromium through playwright-core. `launch()` gives every start a fresh,
 * empty user data dir of its own (removed on close); each test opens its own context on top.
 * A missing Chromium is an error, never a skip: the browser tests are part of the suite.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser end-to-end tests need it. ` +
        "Install Debian's package: apt-get update && apt-get install -y --no-install-recommends chromium " +
        "(.ci/run does this in CI).",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
