// Draws the Teams app icons (manifest/color.png 192×192, manifest/outline.png 32×32): a shield with a keyhole.
// Run with `npm run generate:icons`; the PNGs are committed, and a test checks they still match this drawing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { findRepoRoot } from './teamsAppPackage';

/** Straight (non-premultiplied) RGBA pixels, row by row, 4 bytes a pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

type Rgb = readonly [number, number, number];

/** The colour icon's background; the manifest's accentColor is the same colour so the icon blends into its tile. */
export const ICON_BACKGROUND = '#1F5AA6';
const BACKGROUND: Rgb = [0x1f, 0x5a, 0xa6];
const SHIELD_LIGHT: Rgb = [0xff, 0xff, 0xff];
// The right half is tinted so the shield reads as a raised, two-faced badge rather than a flat blob.
const SHIELD_SHADE: Rgb = [0xd6, 0xe4, 0xf5];
const KEYHOLE: Rgb = [0x17, 0x45, 0x80];

// The shape lives on a 24-unit grid (the common icon grid): the shield spans x 3..21 and y 1..23.
const SHIELD_TOP = 1;
const SHIELD_BOTTOM = 23;
const SHIELD_HEIGHT = SHIELD_BOTTOM - SHIELD_TOP;
const CENTRE_X = 12;

/** Half the shield's width at height y: straight sides down to y 11, then a cubic curve into the bottom point. */
function shieldHalfWidth(y: number): number {
  if (y <= 11) return 9;
  // Left edge as a cubic Bézier (3,11) (3,16.55) (6.84,21.74) (12,23); its y grows with t, so bisect for t.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 40; i += 1) {
    const t = (lo + hi) / 2;
    if (bezier(11, 16.55, 21.74, 23, t) < y) lo = t;
    else hi = t;
  }
  return CENTRE_X - bezier(3, 3, 6.84, 12, (lo + hi) / 2);
}

function bezier(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const u = 1 - t;
  return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
}

function insideShield(x: number, y: number): boolean {
  const dx = Math.abs(x - CENTRE_X);
  if (y > SHIELD_BOTTOM || dx > 9) return false;
  // The top edge rises from the shoulders (y 5) to a peak at the centre (y 1).
  const top = SHIELD_TOP + (4 / 9) * dx;
  return y >= top && dx <= shieldHalfWidth(y);
}

/** A keyhole: a round head and a stem that widens downwards. */
function insideKeyhole(x: number, y: number): boolean {
  const headY = 10.2;
  const headR = 2.7;
  if ((x - CENTRE_X) ** 2 + (y - headY) ** 2 <= headR * headR) return true;
  if (y < headY || y > 16.8) return false;
  const half = 1.1 + ((y - headY) / (16.8 - headY)) * 0.8;
  return Math.abs(x - CENTRE_X) <= half;
}

type Region = 'background' | 'shieldLight' | 'shieldShade' | 'keyhole';

function regionAt(x: number, y: number): Region {
  if (!insideShield(x, y)) return 'background';
  if (insideKeyhole(x, y)) return 'keyhole';
  return x < CENTRE_X ? 'shieldLight' : 'shieldShade';
}

/**
 * Samples the 24-unit drawing into a size×size image, with the shield `shieldPixels` tall and centred.
 * Each pixel averages samples×samples points, which anti-aliases the edges without a drawing library.
 */
function render(size: number, shieldPixels: number, shade: (counts: Record<Region, number>, total: number) => readonly [number, number, number, number]): RgbaImage {
  const samples = 8;
  const scale = shieldPixels / SHIELD_HEIGHT;
  const data = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const counts: Record<Region, number> = { background: 0, shieldLight: 0, shieldShade: 0, keyhole: 0 };
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = CENTRE_X + (px + (sx + 0.5) / samples - size / 2) / scale;
          const y = (SHIELD_TOP + SHIELD_BOTTOM) / 2 + (py + (sy + 0.5) / samples - size / 2) / scale;
          counts[regionAt(x, y)] += 1;
        }
      }
      const [r, g, b, a] = shade(counts, samples * samples);
      const at = (py * size + px) * 4;
      data[at] = r;
      data[at + 1] = g;
      data[at + 2] = b;
      data[at + 3] = a;
    }
  }
  return { width: size, height: size, data };
}

/**
 * 192×192, opaque: a white shield on the accent colour. Teams asks for a symbol of about 96×96 with padding; the
 * shield is drawn 104 px tall because it is only about 85 px wide, so it fills a similar area.
 */
export function renderColorIcon(): RgbaImage {
  const palette: Record<Region, Rgb> = { background: BACKGROUND, shieldLight: SHIELD_LIGHT, shieldShade: SHIELD_SHADE, keyhole: KEYHOLE };
  return render(192, 104, (counts, total) => {
    const mix = [0, 1, 2].map((c) =>
      Math.round((Object.keys(palette) as Region[]).reduce((sum, region) => sum + palette[region][c]! * counts[region], 0) / total),
    );
    return [mix[0]!, mix[1]!, mix[2]!, 255];
  });
}

/**
 * 32×32 outline: Teams accepts only white with transparency here, so every pixel is #FFFFFF and the shape
 * (shield minus keyhole) is carried by alpha alone; white under alpha 0 also avoids dark fringes when scaled.
 */
export function renderOutlineIcon(): RgbaImage {
  return render(32, 28, (counts, total) => {
    const covered = counts.shieldLight + counts.shieldShade;
    return [255, 255, 255, Math.round((covered / total) * 255)];
  });
}

/** Encodes as 8-bit RGBA PNG (colour type 6), the form Teams documents for both icons. */
export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  image.data.copy(png.data);
  return PNG.sync.write(png, { colorType: 6 });
}

function main(): void {
  const dir = join(findRepoRoot(__dirname), 'manifest');
  writeFileSync(join(dir, 'color.png'), encodePng(renderColorIcon()));
  writeFileSync(join(dir, 'outline.png'), encodePng(renderOutlineIcon()));
  console.log(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}`);
}

if (require.main === module) main();
