/**
 * The encoding of a settlement export from its first bytes: UTF-8 when they have a byte-order
 * mark or decode as UTF-8 without error, else GBK (Alipay and JD write GBK for Excel; a Chinese
 * GBK text is almost never valid UTF-8). The sample may end inside a character: only the last
 * three bytes may be incomplete.
 *
 * @example
 * sniffEncoding(Buffer.from('\uFEFF动账时间', 'utf8')) // 'utf8'
 */
export function sniffEncoding(sample: Uint8Array): 'utf8' | 'gbk' {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(sample, { stream: true });
    return 'utf8';
  } catch {
    return 'gbk';
  }
}
