// Rendering Mermaid text to SVG or PNG with mermaid-cli in a headless Chromium. The browser is
// the machine's (Debian's /usr/bin/chromium); puppeteer never downloads one.
import { existsSync } from 'node:fs';
import { ArchsimError } from '../errors.js';

export type RenderFormat = 'svg' | 'png';

/** No usable Chromium: callers turn this into one clear line and exit 2. */
export class NoChromium extends ArchsimError {
  override name = 'NoChromium';
  readonly kind = 'usage';
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** CHROMIUM_PATH, then PUPPETEER_EXECUTABLE_PATH, then the usual Debian/Ubuntu locations. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const p of [env.CHROMIUM_PATH, env.PUPPETEER_EXECUTABLE_PATH]) if (p) return existsSync(p) ? p : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Render Mermaid text: an SVG string, or PNG bytes. Throws NoChromium when none is found. */
export async function renderMermaid(text: string, format: 'svg'): Promise<string>;
export async function renderMermaid(text: string, format: 'png'): Promise<Buffer>;
export async function renderMermaid(text: string, format: RenderFormat): Promise<Buffer | string>;
export async function renderMermaid(text: string, format: RenderFormat): Promise<Buffer | string> {
  const [out] = await renderMermaidMany([text], format);
  return out!;
}

/** Render several diagrams with one browser (a report has one per layout). */
export async function renderMermaidMany(texts: string[], format: RenderFormat): Promise<(Buffer | string)[]> {
  const executablePath = findChromium();
  if (!executablePath) {
    const asked = process.env.CHROMIUM_PATH ?? process.env.PUPPETEER_EXECUTABLE_PATH;
    throw new NoChromium(
      asked
        ? `no Chromium at ${asked} (from CHROMIUM_PATH/PUPPETEER_EXECUTABLE_PATH); rendering ${format} needs one`
        : `rendering ${format} needs Chromium: install it (apt-get install chromium) or set CHROMIUM_PATH; --format mermaid needs none`,
    );
  }
  // Heavy: imported only when a picture is asked for.
  const [{ renderMermaid: render }, puppeteer] = await Promise.all([import('@mermaid-js/mermaid-cli'), import('puppeteer')]);
  let browser;
  try {
    browser = await puppeteer.default.launch({
      executablePath,
      headless: true,
      // archsim may run as root in CI containers, where Chromium's sandbox cannot start.
      args: ['--no-sandbox', '--disable-gpu', '--headless', '--disable-dev-shm-usage'],
    });
  } catch (e) {
    // A browser that is there but will not start is as good as none: say so in one line.
    const why = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim()) ?? 'unknown error';
    throw new NoChromium(`Chromium at ${executablePath} did not start (${why.trim().replace(/\s+/g, ' ')}); rendering ${format} needs a working one`);
  }
  try {
    const out: (Buffer | string)[] = [];
    for (const text of texts) {
      // A fixed seed for the rough.js strokes some shapes are drawn with (the Client's stadium):
      // without it they are random, and a committed report's SVG changed on every run.
      const { data } = await render(browser, text, format, { backgroundColor: 'white', mermaidConfig: { theme: 'default', handDrawnSeed: 1 } });
      out.push(format === 'svg' ? Buffer.from(data).toString('utf8') : Buffer.from(data));
    }
    return out;
  } finally {
    await browser.close();
  }
}
