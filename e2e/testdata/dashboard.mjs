// Drives the dashboard in headless Chromium: waits for live screens, types
// into the echo-input instance, kills the chatty one and saves a
// screenshot. Every request to a host other than 127.0.0.1 is aborted.
// Environment: PLAYWRIGHT (path of playwright-core), CHROMIUM, DASHBOARD
// (page URL with #token=...), SCREENSHOT (output PNG path).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT);

function fail(message) {
  console.error("dashboard test: " + message);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" ? route.continue() : route.abort();
  });
  page.setDefaultTimeout(20000);
  await page.goto(process.env.DASHBOARD);

  const panel = (name) => page.locator("article.panel", { has: page.locator(".name", { hasText: name }) });
  const chatty = panel("chatty");
  await chatty.locator("pre", { hasText: "chatter" }).waitFor();
  const before = await chatty.locator("pre").textContent();
  await page.waitForFunction(
    (old) => {
      const pre = [...document.querySelectorAll("article.panel")]
        .find((p) => p.querySelector(".name").textContent.startsWith("chatty"))
        .querySelector("pre");
      return pre.textContent !== old;
    },
    before,
  );
  console.log("screen updated");

  const echo = panel("echo");
  await echo.locator("pre", { hasText: "ready>" }).waitFor();
  await echo.locator("input").fill("hello from the browser");
  await echo.locator("button", { hasText: "Send" }).click();
  await echo.locator("pre", { hasText: "got: hello from the browser" }).waitFor();
  console.log("text sent");

  await panel("productive").locator("pre", { hasText: "file-" }).waitFor();
  await chatty.locator("button.kill").click();
  await chatty.locator(".state", { hasText: "killed" }).waitFor();
  await chatty.locator(".reason", { hasText: "requested from the dashboard" }).waitFor();
  console.log("instance killed");

  await page.locator("#events li").first().waitFor();
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log("screenshot saved");
} catch (err) {
  fail(err.stack || String(err));
} finally {
  await browser.close();
}
