// Live progress for long runs: an ink view on stderr when it is a TTY (and not CI), nothing
// otherwise. ink and react (with yoga's WebAssembly) are imported here, lazily, only when a view
// is drawn: a piped, CI or --json run never pays for loading them.
export interface Progress {
  update(fraction: number, detail?: string): void;
  done(): void;
}

const none: Progress = { update() {}, done() {} };

export async function progress(title: string): Promise<Progress> {
  if (!process.stderr.isTTY || process.env.CI) return none;
  const [{ render, Text }, React] = await Promise.all([import('ink'), import('react')]);
  const h = React.createElement;
  const view = (fraction: number, detail: string) => {
    const width = 30;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    // One line of text, truncated to the terminal: a progress bar must never wrap.
    return h(Text, { wrap: 'truncate' }, h(Text, { color: 'cyan' }, `${title} `), `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.floor(fraction * 100)}%`, h(Text, { dimColor: true }, detail ? ` ${detail}` : ''));
  };
  const app = render(view(0, ''), { stdout: process.stderr, patchConsole: false });
  let last = 0;
  return {
    update(fraction, detail = '') {
      const now = Date.now();
      if (now - last < 80 && fraction < 1) return;
      last = now;
      app.rerender(view(fraction, detail));
    },
    done() {
      app.rerender(view(1, ''));
      app.unmount();
    },
  };
}
