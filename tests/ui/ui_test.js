// Drives the cluster page (/ui) in Debian's headless chromium through playwright-core.
// Started by tests/integration/test_ui_browser.py, which runs the cluster and passes
// it in UI_NODES: [{"name", "url", "pid"}, ...]; the page is opened on the first node.
// Checks: a value written with curl on another node shows within 1 s; a node killed
// with SIGKILL shows as failed; the page's form writes a value another node then
// serves; the node the page talks to is killed last and the page says it lost
// contact. Writes a screenshot to UI_SCREENSHOT if set. Exits non-zero on any failure.
"use strict";

const { chromium } = require("playwright-core");
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const nodes = JSON.parse(process.env.UI_NODES || "[]");
if (nodes.length < 3) throw new Error("UI_NODES must list three running nodes");
const [viewed, writer, victim] = nodes;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function curl(...args) {
  return execFileSync("curl", ["-sS", "--max-time", "5", ...args], { encoding: "utf8" });
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "onevalue-ui-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 640 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const failures = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on("pageerror", (e) => failures.push("page error: " + e.message));
    const outside = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(viewed.url)) outside.push(r.url());
    });
    await page.goto(viewed.url + "/ui");
    await page.waitForFunction(() => /^-?\d+$/.test(document.getElementById("value").textContent));
    await page.waitForSelector(`#members tr[data-name="${victim.name}"] td.state-alive`);

    // 1. A write made elsewhere shows within 1 s (the blocking read is already waiting).
    const wanted = String(31000 + Math.floor(Math.random() * 1000));
    const started = Date.now();
    curl("-X", "PUT", "-H", "Content-Type: text/plain", "--data", wanted,
      writer.url + "/v1/value");
    await page.waitForFunction((v) => document.getElementById("value").textContent === v,
      wanted, { timeout: 1000 });
    console.log(`value ${wanted} written on ${writer.name} shown after ${Date.now() - started} ms`);
    const writerShown = await page.textContent("#writer");
    if (writerShown !== writer.name) failures.push(`writer shown as ${writerShown}`);

    // 2. A node killed with SIGKILL shows as failed.
    process.kill(victim.pid, "SIGKILL");
    const killed = Date.now();
    await page.waitForSelector(`#members tr[data-name="${victim.name}"] td.state-failed`,
      { timeout: 30000 });
    console.log(`${victim.name} shown failed ${Date.now() - killed} ms after SIGKILL`);

    // 3. The form writes (If-Match on the shown version) and another node serves it.
    await page.fill("#new-value", "777");
    await page.click("#write-form button[type=submit]");
    await page.waitForFunction(() =>
      document.getElementById("write-result").textContent.startsWith("written: 777"),
      null, { timeout: 5000 });
    const deadline = Date.now() + 5000;
    let served = null;
    while (Date.now() < deadline) {
      served = JSON.parse(curl(writer.url + "/v1/value")).value;
      if (served === 777) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (served !== 777) failures.push(`${writer.name} serves ${served}, not 777`);
    else console.log(`the form's write is served by ${writer.name}`);

    if (outside.length) failures.push("requests outside the node: " + outside.join(", "));
    const banner = await page.getAttribute("#banner", "class");
    if (!banner.includes("hidden")) {
      failures.push("banner shown on a synchronized node: " + await page.textContent("#banner"));
    }
    if (process.env.UI_SCREENSHOT) await page.screenshot({ path: process.env.UI_SCREENSHOT });

    // 4. The node the page talks to dies: the page says it lost contact.
    process.kill(viewed.pid, "SIGKILL");
    await page.waitForFunction(() =>
      document.getElementById("banner").textContent.startsWith("Lost contact"),
      null, { timeout: 5000 });
    console.log("lost contact shown after the page's node was killed");
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
