// The prerender entry (React Router's default is entry.server.node with react-dom/server): the
// pages are prerendered by Preact too, so the static HTML is exactly what Preact hydrates in the
// browser. React's renderer would reorder <head> (charset first, stylesheets last, preloads
// hoisted), and Preact, which hydrates by position, would then rebuild the head and re-insert
// its scripts.
import { renderToStringAsync } from "preact-render-to-string";
import { ServerRouter } from "react-router";

export default async function handleRequest(request, responseStatusCode, responseHeaders, routerContext) {
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }
  // Async: waits for every Suspense boundary, so the HTML holds finished markup only.
  const html = await renderToStringAsync(<ServerRouter context={routerContext} url={request.url} />);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}
