// What a record may say about a secret it must not hold (a registration token in the audit log):
// enough for its owner to tell which one it was, never enough to use it.

/** Shown characters: 2 of a secret of at least 12, none of a shorter one, whose start is most of it. */
export function secretHint(secret: string): string {
  const characters = [...secret];
  const shown = characters.length >= 12 ? characters.slice(0, 2).join('') : '';
  return `${shown}…(${characters.length} characters)`;
}
