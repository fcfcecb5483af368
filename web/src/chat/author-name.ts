/** How a member is called in the chat: their display name in the group, or "Member" and the start of their key. */
export function authorName(names: Map<string, string>, key: string): string {
  return names.get(key) ?? `Member ${key.slice(0, 6)}`
}
