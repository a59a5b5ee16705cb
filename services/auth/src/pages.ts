/** The token service's HTML pages: small, no scripts, every value escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · bookstore</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}.error{color:#b00020}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The customer sign-in form of one interaction. */
export function signInPage(uid: string, problem?: string): string {
  const error = problem === undefined ? '' : `<p class="error" role="alert">${escapeHtml(problem)}</p>`;
  return page(
    'Sign in',
    `${error}<form method="post" action="/sign-in/${encodeURIComponent(uid)}">
<label for="customer">Customer number</label><input id="customer" name="customer" inputmode="numeric" autocomplete="username" required>
<label for="email">Email you registered with</label><input id="email" name="email" type="email" autocomplete="email" required>
<button type="submit">Sign in</button></form>`,
  );
}
