// The panel's design tokens (src/web/styles.css): every colour pair the rules put text on meets
// WCAG AA contrast, and the rules use the tokens only (no colour, type size or space written ad hoc).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const css = readFileSync(new URL('../../src/web/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const rootBlock = /:root\s*\{([\s\S]*?)\n\}/.exec(css)?.[1] ?? '';
const rules = css.replace(/:root\s*\{[\s\S]*?\n\}/, '');
const tokens = new Map([...rootBlock.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((match) => [match[1]!, match[2]!.trim()]));

function rgb(token: string): [number, number, number] {
  const value = tokens.get(token);
  const hex = value && /^#([0-9a-f]{6})$/i.exec(value)?.[1];
  assert.ok(hex, `--${token} is not a #rrggbb colour: ${value}`);
  return [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(foreground: string, background: string): number {
  const [light, dark] = [luminance(rgb(foreground)), luminance(rgb(background))].sort((a, b) => b - a) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Text colour on background colour, as the rules pair them. */
const textPairs: [string, string][] = [
  ['color-text', 'color-bg'], ['color-text', 'color-surface'], ['color-text', 'color-surface-sunken'],
  ['color-text-muted', 'color-bg'], ['color-text-muted', 'color-surface'], ['color-text-muted', 'color-surface-sunken'], ['color-text-muted', 'color-info-surface'],
  ['color-accent', 'color-bg'], ['color-accent', 'color-surface'], ['color-accent', 'color-info-surface'], ['color-accent', 'color-ok-surface'], ['color-accent', 'color-warn-surface'],
  ['color-accent-hover', 'color-info-surface'], ['color-on-accent', 'color-accent'], ['color-on-accent', 'color-accent-hover'],
  ['color-on-header', 'color-header'],
  ['color-danger', 'color-surface'], ['color-danger', 'color-bg'], ['color-on-danger', 'color-danger'], ['color-on-danger', 'color-danger-text'],
  ['color-danger-text', 'color-danger-surface'], ['color-danger', 'color-danger-badge'],
  ['color-ok', 'color-surface'], ['color-ok', 'color-ok-badge'], ['color-text', 'color-ok-surface'],
  ['color-warn-text', 'color-warn-surface'], ['color-text', 'color-warn-surface'], ['color-text', 'color-info-surface'],
  ['color-neutral-badge-text', 'color-neutral-badge'], ['color-busy-badge-text', 'color-busy-badge'],
  ['color-code-text', 'color-code-bg'], ['color-code-link', 'color-code-bg'],
];

for (const [foreground, background] of textPairs) {
  test(`--${foreground} on --${background} reads at WCAG AA (4.5:1)`, () => {
    const ratio = contrast(foreground, background);
    assert.ok(ratio >= 4.5, `${ratio.toFixed(2)}:1`);
  });
}

test('the borders of form controls and the focus ring stand out from what is around them (3:1)', () => {
  for (const background of ['color-surface', 'color-bg']) {
    assert.ok(contrast('color-border-strong', background) >= 3, `control border on --${background}: ${contrast('color-border-strong', background).toFixed(2)}:1`);
    assert.ok(contrast('color-accent', background) >= 3, `focus ring on --${background}`);
  }
  assert.ok(contrast('color-on-header', 'color-header') >= 3, 'focus ring in the header');
});

test('the rules use the tokens: no colour, font size or length in rem written outside :root', () => {
  const adHocColours = [...rules.matchAll(/#[0-9a-f]{3,8}\b|rgba?\(/gi)].map((match) => match[0]);
  assert.deepEqual(adHocColours, [], 'colours outside :root');
  const adHocSizes = [...rules.matchAll(/font-size:\s*([^;}]+)/g)].map((match) => match[1]!.trim()).filter((value) => !/^var\(--text-|^inherit$|^[\d.]+em$/.test(value));
  assert.deepEqual(adHocSizes, [], 'font sizes outside the type scale');
  for (const [, name] of rules.matchAll(/var\(--([\w-]+)\)/g)) assert.ok(tokens.has(name!), `--${name} is used but not defined`);
});
