// Item 2 of issue 13: an HTML report built from hostile names (a blueprint title, the layout
// and operation names of a --loadtest result) runs no script when a real browser opens it: not
// with its Content-Security-Policy, and not even with the policy bypassed (escaping alone).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/io/render-mermaid.js';
import { archsim, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-hostile-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each payload, if it ever ran, would set window.__pwned or change the title.
const XSS = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3"></svg>[x](javascript:window.__pwned=4)`;

let built: string | undefined;
function hostileReport(): string {
  if (built !== undefined) return built;
  const bp = readFileSync(join(ROOT, 'test/fixtures/loadtest/trivial.yaml'), 'utf8').replace('metadata: { name: trivial }', `metadata: { name: trivial, title: ${JSON.stringify(XSS)} }`);
  writeFileSync(join(dir, 'bp.yaml'), bp);
  const result = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/loadtest/quantchat-monolith-result.json'), 'utf8'));
  // a run against a --target (no blueprint named): its operation names are whatever it measured,
  // so they reach the page unchecked (a result naming this blueprint must use its operations)
  result.run.blueprint = null;
  result.run.layout = 'single';
  result.run.notes = [XSS];
  result.operations = result.operations.slice(0, 2);
  result.operations[0].id = 'trivial.get';
  result.operations[1].id = `trivial.${XSS}`;
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  const r = archsim(['report', join(dir, 'bp.yaml'), '--format', 'html', '--no-faults', '--out', join(dir, 'out'), '--loadtest', join(dir, 'result.json')], { env: { CHROMIUM_PATH: '/nonexistent' } });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect([0, 2]).toContain(r.code);
  built = r.code === 0 ? join(dir, 'out', 'report.html') : '';
  return built;
}

describe('hostile HTML report', () => {
  it('escapes every interpolated name and carries a strict Content-Security-Policy', () => {
    const file = hostileReport();
    expect(file).not.toBe('');
    const html = readFileSync(file, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[a-z]+[^>]*\sonerror=/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  });

  it.skipIf(!findChromium())('headless Chromium runs no script from it, with and without the CSP (skipped without Chromium)', async () => {
    const file = hostileReport();
    copyFileSync(file, join(dir, 'page.html'));
    const puppeteer = (await import('puppeteer')).default;
    const browser = await puppeteer.launch({
      executablePath: findChromium(),
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    try {
      for (const bypass of [false, true]) {
        const page = await browser.newPage();
        await page.setBypassCSP(bypass);
        const requests: string[] = [];
        const dialogs: string[] = [];
        page.on('request', (req) => requests.push(req.url()));
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.goto(pathToFileURL(join(dir, 'page.html')).href, { waitUntil: 'load' });
        await new Promise((r) => setTimeout(r, 300));
        // Clicking every link must not run one either.
        await page.$$eval('a', (as) => as.forEach((a) => (a as unknown as { click(): void }).click()));
        await new Promise((r) => setTimeout(r, 200));
        const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned ?? 0);
        expect(pwned, `bypassCSP=${bypass}`).toBe(0);
        expect(dialogs).toEqual([]);
        // Nothing but the page itself is fetched (no image, no script, no network).
        expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
        expect(await page.title()).toContain('<script>');
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
