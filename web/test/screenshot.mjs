// web/test/screenshot.mjs -- the picture of the page in the README and docs/web.md
// (docs/figures/web/shsim.png; make web-figure): lab step 2's slow worker
// with lognormal noise, the cursor at 30 s, and a sweep over 2..16 workers.
// Environment: PAGE (the HTML file), CHROMIUM, OUT (the PNG).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const PAGE = pathToFileURL(path.resolve(process.env.PAGE || 'build/web/shsim.html')).href;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(PAGE + '#preset=step3slow&noise=lognormal&sigma=0.3&sw_workers=2,3,4,6,8,12,16&sw_seeds=5');
await page.waitForFunction(() => window.shsim && window.shsim.ready);
await page.click('#sweep');
await page.waitForFunction(() => shsim.sweep && shsim.sweep.done, null, { timeout: 120000 });
// the timing line differs from run to run: hide it so the picture does not
await page.evaluate(() => { setCursor(30); document.getElementById('timing').style.visibility = 'hidden';
                            document.getElementById('sweep-status').style.visibility = 'hidden'; });
await page.screenshot({ path: process.env.OUT || 'docs/figures/web/shsim.png', fullPage: true });
await browser.close();
