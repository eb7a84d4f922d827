import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { decodeRgbPng, dropOpaqueAlpha, encodeRgbPng, optimizePng, type RgbImage } from '../../src/report/png';

// A 2×2 RGB image and its rows filtered by hand (PNG specification, section 9): these bytes were worked out on paper,
// so decoding them checks the predictors independently of the encoder that shares them.
const ROW0 = [10, 20, 30, 40, 50, 60];
const ROW1 = [15, 25, 35, 45, 55, 65];
const ROW0_SUB = [10, 20, 30, 30, 30, 30]; // filter 1: minus the pixel to the left
const ROW1_UP = [5, 5, 5, 5, 5, 5]; // filter 2: minus the pixel above
const ROW1_AVERAGE = [10, 15, 20, 18, 18, 18]; // filter 3: minus floor((left + above) / 2)
const ROW1_PAETH = [5, 5, 5, 5, 5, 5]; // filter 4: the Paeth predictor picks "above" for every byte here

/** `png` with its image data replaced by `raw` (filtered rows), deflated at `level`; the decoder does not check CRCs. */
function withImageData(png: Buffer, raw: Buffer, level = 6): Buffer {
  const idat = deflateSync(raw, { level });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(idat.length, 0);
  head.write('IDAT', 4, 'latin1');
  const headerEnd = 8 + 12 + 13; // signature and IHDR
  return Buffer.concat([png.subarray(0, headerEnd), head, idat, Buffer.alloc(4), png.subarray(png.length - 12)]);
}

function handMadePng(rows: readonly (readonly number[])[], filters: readonly number[]): Buffer {
  const frame = encodeRgbPng({ width: 2, height: 2, channels: 3, pixels: Buffer.from([...ROW0, ...ROW1]) });
  return withImageData(frame, Buffer.from(rows.flatMap((r, y) => [filters[y], ...r])));
}

test('decodeRgbPng undoes each PNG filter on hand-filtered rows', () => {
  for (const [rows, filters] of [
    [[ROW0, ROW1], [0, 0]],
    [[ROW0_SUB, ROW1_UP], [1, 2]],
    [[ROW0_SUB, ROW1_AVERAGE], [1, 3]],
    [[ROW0, ROW1_PAETH], [0, 4]],
  ] as const) {
    const image = decodeRgbPng(handMadePng(rows, filters));
    assert.ok(image, `filters ${filters}`);
    assert.deepEqual([image.width, image.height, image.channels], [2, 2, 3]);
    assert.deepEqual([...image.pixels], [...ROW0, ...ROW1], `filters ${filters}`);
  }
});

test('encodeRgbPng writes valid chunks (IEND carries its well-known CRC) that decode to the same pixels', () => {
  const png = encodeRgbPng({ width: 2, height: 2, channels: 3, pixels: Buffer.from([...ROW0, ...ROW1]) });
  assert.equal(png.subarray(png.length - 12).toString('hex'), '0000000049454e44ae426082');
  assert.deepEqual([...decodeRgbPng(png)!.pixels], [...ROW0, ...ROW1]);
});

/** A chart-like opaque RGBA image: white ground, grey grid, two anti-aliased-looking coloured curves. */
function chartLike(width: number, height: number): RgbImage {
  const pixels = Buffer.alloc(width * height * 4, 255);
  const put = (x: number, y: number, rgb: readonly number[], weight: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const p = (y * width + x) * 4;
    for (let k = 0; k < 3; k++) pixels[p + k] = Math.round(pixels[p + k] * (1 - weight) + rgb[k] * weight);
  };
  for (let y = 0; y < height; y += 20) for (let x = 0; x < width; x++) put(x, y, [230, 230, 230], 1);
  for (let x = 0; x < width; x++) {
    const y1 = height / 2 + (height / 3) * Math.sin(x / 17);
    const y2 = height / 3 + (height / 5) * Math.cos(x / 29);
    for (const [y, rgb] of [[y1, [31, 119, 180]], [y2, [255, 127, 14]]] as const) {
      put(x, Math.floor(y), rgb, 1 - (y % 1));
      put(x, Math.floor(y) + 1, rgb, y % 1);
    }
  }
  return { width, height, channels: 4, pixels };
}

test('optimizePng: the same pixels in fewer bytes, without the alpha channel of an opaque image', () => {
  const image = chartLike(160, 90);
  // What Chromium writes: RGBA, fast deflate, no filtering.
  const stride = image.width * 4;
  const raw = Buffer.concat(Array.from({ length: image.height }, (_, y) => Buffer.concat([Buffer.from([0]), image.pixels.subarray(y * stride, (y + 1) * stride)])));
  const chromiumLike = withImageData(encodeRgbPng(image), raw, 1);
  const out = optimizePng(chromiumLike);
  assert.ok(out.length < chromiumLike.length, `${out.length} < ${chromiumLike.length}`);
  const decoded = decodeRgbPng(out)!;
  assert.equal(decoded.channels, 3);
  assert.deepEqual(decoded.pixels, dropOpaqueAlpha(image).pixels);
});

test('dropOpaqueAlpha keeps the alpha channel when a pixel is translucent; optimizePng passes other PNGs through', () => {
  const image = chartLike(8, 8);
  image.pixels[4 * 5 + 3] = 128;
  assert.equal(dropOpaqueAlpha(image).channels, 4);
  const ihdr = encodeRgbPng({ width: 1, height: 1, channels: 3, pixels: Buffer.from([1, 2, 3]) });
  const grey = Buffer.from(ihdr);
  grey[8 + 8 + 9] = 0; // colour type 0 (greyscale): not ours to rewrite
  assert.equal(decodeRgbPng(grey), null);
  assert.equal(optimizePng(grey), grey);
  assert.throws(() => optimizePng(Buffer.from('not a png')), /not a PNG/);
});
