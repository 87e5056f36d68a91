/**
 * A person's name as views show it: the first character, the rest starred.
 *
 * @example
 * maskName('林伟')   // '林*'
 * maskName('Alice')  // 'A****'
 */
export function maskName(value: string): string {
  const chars = [...value.trim()];
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/**
 * A street address as views show it: its first four characters, the rest starred (at most eight
 * stars, so the length says little either); four characters or fewer are all starred.
 *
 * @example
 * maskStreet('星湖街 328 号 2 栋 1201 室') // '星湖街 ********'
 */
export function maskStreet(value: string): string {
  const chars = [...value.trim()];
  return chars.length <= 4 ? '*'.repeat(chars.length) : chars.slice(0, 4).join('') + '*'.repeat(Math.min(8, chars.length - 4));
}
