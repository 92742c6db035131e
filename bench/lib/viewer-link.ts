/**
 * A viewer link made by the administrator (`POST /api/v1/admin/viewer-links`): the kiosk's path,
 * its key in it. `adminCookie` is a signed-in administrator's `Cookie` header, its CSRF cookie
 * among the pairs (the token is sent back as the header).
 */
export async function viewerLink(url: string, adminCookie: string, name: string): Promise<string> {
  const csrf = /(?:^|;\s*)xiaoan_csrf=([^;]*)/.exec(adminCookie)?.[1] ?? '';
  const response = await fetch(`${url}/api/v1/admin/viewer-links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: adminCookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`creating a viewer link answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { url: string }).url;
}
