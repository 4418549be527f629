/*! Tandem analytics snippet, served as /t.js. No cookies, no dependencies.
 *
 *   <script async src="https://tandem.example.com/t.js" data-site="SITE_KEY"></script>
 *
 * data-site  the site's public key (required)
 * data-api   where beacons go (default: the origin this script was loaded from)
 *
 * Sends a page view on load and on every single-page-app navigation that changes the path
 * (history.pushState / replaceState / popstate), an `Outbound Link: Click` event with {url} for
 * links to other hosts, and custom events: tandem.track('signup', {plan: 'pro'}). To track before
 * the script has loaded, put this stub first; the queued calls are sent once it is there:
 *
 *   <script>window.tandem = window.tandem || {q: [], track: function () { tandem.q.push(arguments) }}</script>
 *
 * The URL loses every query parameter but utm_* and its #fragment before it leaves the page.
 * Do-Not-Track and Global Privacy Control travel as the browser's own request headers.
 */
(() => {
  const script = document.currentScript || document.querySelector('script[data-site]');
  const site = script?.getAttribute('data-site');
  if (!site) return;
  const api = (script.getAttribute('data-api') || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const queued = window.tandem?.q || [];
  let lastPath = null;
  let lastUrl = null;

  function clip(text, max) {
    return text ? String(text).slice(0, max) : undefined;
  }

  function pageUrl() {
    const url = new URL(location.href);
    const kept = new URLSearchParams();
    url.searchParams.forEach((value, key) => {
      if (key.slice(0, 4).toLowerCase() === 'utm_') kept.append(key, value);
    });
    url.search = kept.toString();
    url.hash = '';
    return clip(url.href, 2000);
  }

  function send(kind, body) {
    body.site = site;
    body.width = window.innerWidth;
    const json = JSON.stringify(body);
    const endpoint = `${api}/api/v1/analytics/${kind}`;
    // text/plain keeps both a simple CORS request: no preflight, and the page may be leaving.
    if (navigator.sendBeacon?.(endpoint, new Blob([json], { type: 'text/plain' }))) return;
    fetch(endpoint, { method: 'POST', body: json, headers: { 'content-type': 'text/plain' }, keepalive: true, credentials: 'omit' }).catch(() => {});
  }

  function pageview() {
    if (location.pathname === lastPath) return;
    const url = pageUrl();
    // After the first page the previous one is the referrer, so in-app navigation counts as same-site.
    send('pageview', { url: url, title: clip(document.title, 2000), referrer: clip(lastUrl === null ? document.referrer : lastUrl, 2000) });
    lastPath = location.pathname;
    lastUrl = url;
  }

  function track(name, props) {
    const body = { name: String(name), url: pageUrl() };
    if (props && typeof props === 'object') body.props = props;
    send('event', body);
  }

  function onClick(event) {
    const link = event.target?.closest?.('a[href]');
    if (!link || !/^https?:$/.test(link.protocol) || link.host === location.host) return;
    if (event.type === 'auxclick' && event.button !== 1) return;
    track('Outbound Link: Click', { url: clip(link.href, 256) });
  }

  ['pushState', 'replaceState'].forEach((method) => {
    const original = history[method];
    history[method] = function (...args) {
      const result = original.apply(this, args);
      pageview();
      return result;
    };
  });
  window.addEventListener('popstate', pageview);
  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);

  window.tandem = { track: track };
  // A prerendered page counts once someone actually opens it.
  if (document.prerendering) document.addEventListener('prerenderingchange', pageview, { once: true });
  else pageview();
  for (let i = 0; i < queued.length; i++) track(queued[i][0], queued[i][1]);
})();
