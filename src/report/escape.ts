// Escaping for HTML and SVG/XML text and attribute values: every piece of user text (run names,
// class names, config values) goes through here before it reaches markup.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '` so a string is safe as HTML or XML text and as a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
