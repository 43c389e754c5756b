// Browsers and link previews ask for /favicon.ico whatever the page's <link rel="icon"> says; the
// icon is app/icon.svg, so that address points to it instead of answering 404.
export function GET(request: Request): Response {
  return Response.redirect(new URL("/icon.svg", request.url), 308);
}
