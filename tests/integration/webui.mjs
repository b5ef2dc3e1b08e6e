// webui.mjs BASE_URL - drives the bundled web UI in headless Chromium
// (playwright-core, tests/package.json) through one session a user would
// have, and prints what the page showed as one JSON object on stdout.
// test_webui.py compares it with what the API answers for the same
// requests; this script decides nothing itself.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "package.json"));
const { chromium } = require("playwright-core");

const base = process.argv[2];
const executablePath = process.env.SITREP_CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const out = { console_errors: [], console_errors_before_error_step: [], page_errors: [],
              failed_requests: [] };
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on("console", (m) => { if (m.type() === "error") out.console_errors.push(m.text()); });
  page.on("pageerror", (e) => out.page_errors.push(String(e)));
  page.on("requestfailed", (r) => out.failed_requests.push(r.url()));

  // Status reads "N of M articles · T ms" when a search has rendered; a
  // fresh search first shows "Searching…".
  const settled = async () => {
    await page.waitForFunction(() => {
      const s = document.getElementById("status");
      return s.className === "error" || / of \d+\+? articles/.test(s.textContent);
    });
  };
  const titles = () => page.$$eval("#hits h2", (hs) => hs.map((h) => h.textContent));
  const search = async (fill) => {
    await page.evaluate(() => { document.getElementById("status").textContent = "…"; });
    for (const [id, v] of Object.entries(fill)) await page.fill(`#${id}`, v);
    await page.click("#search button[type=submit]");
    await settled();
  };

  await page.goto(base + "/");
  await settled();
  out.initial = { titles: await titles(), status: await page.textContent("#status"),
                  timeline_bars: await page.locator("#timeline rect").count() };

  await search({ q: "evacuation" });
  out.query = { titles: await titles(), url: page.url(),
                facet_places: await page.$$eval("#facets ul:first-of-type button", (b) => b.map((x) => x.title)) };

  await page.evaluate(() => { document.getElementById("status").textContent = "…"; });
  await page.click("#facets ul:first-of-type li:first-child button");
  await settled();
  out.facet = { place: await page.inputValue("#place"), titles: await titles() };

  await page.click("#hits h2 button");
  await page.waitForSelector("#reader:not([hidden])");
  out.reader = { title: await page.textContent("#reader-title"),
                 paragraphs: await page.locator("#reader-text p").count() };
  await page.click("#close");

  // Every request so far should have succeeded; the next one fails on
  // purpose, and Chromium logs the 400s it gets.
  out.console_errors_before_error_step = out.console_errors.splice(0);
  await search({ q: "", place: "", from: "2022-13" });
  out.error = { status: await page.textContent("#status"),
                class: await page.getAttribute("#status", "class") };
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + "\n");
