/**
 * Lossless re-encoding of the PNGs Chromium renders for the committed notebooks.
 *
 * Chromium writes plotly's figures as 8-bit RGBA with a fast deflate, although every pixel is opaque. Dropping the
 * alpha channel, choosing each row's filter by the usual minimum-sum-of-absolute-differences heuristic (the PNG
 * specification's recommendation for truecolour) and deflating at level 9 makes them about a fifth smaller with the
 * same pixels, which keeps the notebooks that carry many figures under run-notebooks' 2 MB warning.
 *
 * Only what Chromium emits is rewritten (8-bit RGB or RGBA, not interlaced); anything else, and any image the
 * re-encoding would not make smaller, is returned as it came.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_RGB = 2;
const COLOR_RGBA = 6;

/** The decoded pixels of an 8-bit truecolour PNG: `channels` bytes per pixel, rows top to bottom. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly pixels: Buffer;
}

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
}

function readChunks(png: Buffer): Chunk[] {
  if (png.length < SIGNATURE.length || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (bad signature)');
  const chunks: Chunk[] = [];
  let pos = 8;
  while (pos + 12 <= png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > png.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    chunks.push({ type, data: png.subarray(pos + 8, pos + 8 + length) });
    pos += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The predictor of filter type `f` for byte i of a row (`bpp` bytes per pixel), given the previous row. */
function predictor(f: number, row: Buffer, prev: Buffer, i: number, bpp: number): number {
  const a = i >= bpp ? row[i - bpp] : 0;
  const b = prev[i];
  const c = i >= bpp ? prev[i - bpp] : 0;
  switch (f) {
    case 0: return 0;
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) >> 1;
    case 4: return paeth(a, b, c);
    default: throw new Error(`PNG filter type ${f} is not defined`);
  }
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG; null for any other kind (palette, grey, 16-bit, interlaced). */
export function decodeRgbPng(png: Buffer): RgbImage | null {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR');
  if (!ihdr || ihdr.data.length < 13) throw new Error('PNG without an IHDR chunk');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = ihdr.data.subarray(8, 13);
  if (bitDepth !== 8 || (colorType !== COLOR_RGB && colorType !== COLOR_RGBA) || interlace !== 0) return null;
  const channels = colorType === COLOR_RGBA ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (raw.length !== height * (stride + 1)) throw new Error(`PNG image data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const pixels = Buffer.alloc(height * stride);
  let prev: Buffer = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    raw.copy(row, 0, y * (stride + 1) + 1, (y + 1) * (stride + 1));
    // Unfiltering in place works because each predictor only reads bytes already reconstructed.
    for (let i = 0; i < stride; i++) row[i] = (row[i] + predictor(f, row, prev, i, channels)) & 0xff;
    prev = row;
  }
  return { width, height, channels, pixels };
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
}

/** Encodes 8-bit RGB or RGBA pixels as a PNG, each row with the filter whose output has the least absolute sum. */
export function encodeRgbPng(image: RgbImage): Buffer {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  if (pixels.length !== height * stride) throw new RangeError(`encodeRgbPng: ${pixels.length} bytes for ${width}×${height}×${channels}`);
  const filtered = Buffer.alloc(height * (stride + 1));
  let prev: Buffer = Buffer.alloc(stride);
  let trial = Buffer.alloc(stride);
  let best = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    let bestFilter = -1;
    let bestCost = Infinity;
    for (let f = 0; f <= 4; f++) {
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const v = (row[i] - predictor(f, row, prev, i, channels)) & 0xff;
        trial[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        [bestFilter, bestCost] = [f, cost];
        [trial, best] = [best, trial];
      }
    }
    const out = y * (stride + 1);
    filtered[out] = bestFilter;
    best.copy(filtered, out + 1);
    prev = row;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 4 ? COLOR_RGBA : COLOR_RGB, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(filtered, { level: 9, memLevel: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Drops the alpha channel of an image whose every pixel is opaque; other images come back unchanged. */
export function dropOpaqueAlpha(image: RgbImage): RgbImage {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  for (let p = 0; p < n; p++) if (image.pixels[p * 4 + 3] !== 255) return image;
  const rgb = Buffer.alloc(n * 3);
  for (let p = 0; p < n; p++) image.pixels.copy(rgb, p * 3, p * 4, p * 4 + 3);
  return { width: image.width, height: image.height, channels: 3, pixels: rgb };
}

/** The same picture in fewer bytes where possible (see the module's header); never larger than the input. */
export function optimizePng(png: Buffer): Buffer {
  const image = decodeRgbPng(png);
  if (!image) return png;
  const smaller = encodeRgbPng(dropOpaqueAlpha(image));
  return smaller.length < png.length ? smaller : png;
}
