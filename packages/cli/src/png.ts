/**
 * @file A minimal PNG encoder for 8-bit RGB pixels (the PNG specification's IHDR, IDAT and IEND
 * chunks, filter type 0, zlib from Node), enough to embed a heat map in an SVG as one image
 * instead of thousands of rectangles.
 */
import { deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** CRC-32 (IEEE, reflected polynomial 0xEDB88320) lookup table, as the PNG chunk checksums use. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * The CRC-32 of `bytes`.
 *
 * @example
 * crc32(new TextEncoder().encode('IEND')); // 0xae426082
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/**
 * Encodes `rgb` (width × height × 3 bytes, rows from the top) as a PNG file.
 *
 * @example
 * encodePng(1, 1, Uint8Array.of(255, 0, 0)); // a one-pixel red PNG
 */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const size = (n: number) => Number.isInteger(n) && n >= 1;
  if (!size(width) || !size(height) || rgb.length !== width * height * 3) {
    throw new RangeError(
      `encodePng: argument 'rgb': expected ${width}×${height}×3 = ${width * height * 3} bytes for positive integer sizes, got ${rgb.length}`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: truecolour RGB (compression, filter and interlace bytes stay 0)
  // Each scanline starts with its filter type; 0 (none) leaves the repeats to deflate.
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const data = deflateSync(raw, { level: 9 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}
