/** Reads one cookie of a document.cookie string. */
export function readCookie(all: string, name: string): string | null {
  for (const part of all.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

/** A cookie for a year on the whole site. */
export function cookie(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Strict`;
}
