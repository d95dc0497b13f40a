// The storefront side of fintoc-checkout-lambda, in one small module a merchant can copy.
//
//   import { loadPrices, startCheckout, openCheckout, watchSession } from './checkout.js';
//   const prices = await loadPrices(api);            // what the shop sells, at the prices it charges
//   await startCheckout(api, { line_items: [{ price: prices[0].id, quantity: 1 }], success_url, cancel_url });
//   watchSession(api, sessionId, (view) => render(view));   // on the success and cancel pages
//
// The browser never sends an amount: the server prices the order from its catalog (or from an
// order your backend signed, sent as { order_token }). The success page never trusts the
// redirect alone: it asks the API until the order is paid, or will not be.
//
// One order, one payable checkout: the checkout this browser opened is kept (localStorage, so a
// closed tab does not lose it) until GetSession says it was paid or ended unpaid. A customer who
// leaves Fintoc's page mid-transfer, or whose bank is still deciding, may yet be charged; Pay then
// sends the same order with the same Idempotency-Key, and the server answers the same checkout.

const STORAGE_KEY = 'fintoc-checkout';
const OPEN = `${STORAGE_KEY}:open`;

/** Where the API is: ?api=… (remembered for the pages that follow), else this page's origin. */
export function apiBase() {
  const fromQuery = new URLSearchParams(location.search).get('api');
  if (fromQuery) sessionStorage.setItem(`${STORAGE_KEY}:api`, fromQuery);
  return (fromQuery || sessionStorage.getItem(`${STORAGE_KEY}:api`) || location.origin).replace(/\/$/, '');
}

/** The active catalog prices: [{ id, currency, unit_amount, product_data: { name, image_url } }]. */
export async function loadPrices(api) {
  const response = await fetch(`${api}/prices`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message || `HTTP ${response.status}`);
  return body.prices;
}

/**
 * The checkout this browser opened and has not yet seen end, or null:
 * { order, key, body, session, secret, redirect } — the order as the page built it, its
 * Idempotency-Key, the body sent under that key, and the server's answer (session id,
 * checkout_secret, redirect_url). After a checkout ended unpaid only { order } is left: the cart,
 * without a key, so the next Pay opens a new checkout.
 */
export function openCheckout() {
  try {
    return JSON.parse(localStorage.getItem(OPEN));
  } catch {
    return null;
  }
}

function keep(checkout) {
  localStorage.setItem(OPEN, JSON.stringify(checkout));
}

/** Forgets the open checkout: call it once the order is paid. */
export function forgetCheckout() {
  localStorage.removeItem(OPEN);
}

/** The same order? Compared field by field, whatever order the fields were built in. */
export function sameOrder(a, b) {
  return a != null && b != null && canonical(a) === canonical(b);
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Sends the order and the browser to Fintoc's hosted page.
 *
 * - The order of the open checkout again (a double click, a retry, a customer back from a
 *   transfer they left half-way): the same Idempotency-Key and the same body, so the server
 *   answers the same session and redirect_url. Never a second checkout for one order.
 * - Another order (the cart changed): a new key. If the server gave the open checkout a
 *   checkout_secret, the request names it in `replaces`, and the server expires it at Fintoc
 *   before opening the new one — unless its payment has started: then the answer is 409
 *   `checkout_payment_started`, the open checkout stays, and the error says so (err.code).
 *
 * The key is stored before the request is sent: an answer lost on the way is retried with it.
 */
export async function startCheckout(api, order) {
  const open = openCheckout();
  let attempt;
  if (open?.key && sameOrder(open.order, order)) {
    attempt = open;
  } else {
    // The checkout to replace: the open one, or (if the last try went unanswered) the one it
    // was replacing. Only a browser holding its secret can name it; none is sent before the
    // server hands one out.
    const replacing = open?.session ? open : open?.replacing;
    const body = replacing?.secret
      ? { ...order, replaces: { session_id: replacing.session, checkout_secret: replacing.secret } }
      : order;
    attempt = { order, key: crypto.randomUUID(), body, replacing: replacing?.secret ? replacing : undefined };
  }
  keep(attempt);

  const response = await fetch(`${api}/checkout-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': attempt.key },
    body: JSON.stringify(attempt.body),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const code = body.error?.code;
    // The old checkout's payment has started: it stays the order's one checkout.
    if (code === 'checkout_payment_started' && attempt.replacing) keep(attempt.replacing);
    const message = body.error?.message || `The payment could not start (HTTP ${response.status}).`;
    throw Object.assign(new Error(message), { status: response.status, code, body });
  }
  keep({ order, key: attempt.key, body: attempt.body, session: body.id, secret: body.checkout_secret, redirect: body.redirect_url });
  sessionStorage.setItem(`${STORAGE_KEY}:session`, body.id);
  location.assign(body.redirect_url);
}

/** Continues the open checkout: its order again, so the same key and the same session. */
export function resumeCheckout(api) {
  const open = openCheckout();
  if (!open?.key) return Promise.reject(new Error('There is no checkout to continue.'));
  return startCheckout(api, open.order);
}

/** The session named by ?session=…, else the open checkout's, else the last one this tab started. */
export function lastSessionId() {
  return new URLSearchParams(location.search).get('session') || openCheckout()?.session
    || sessionStorage.getItem(`${STORAGE_KEY}:session`);
}

/**
 * Keeps storage true to what GetSession said of the open checkout: paid — forget it; ended
 * unpaid (failed, rejected, expired) — drop its key, keep the cart, so the next Pay opens a new
 * checkout; anything else, a payment may still complete — keep it all.
 */
function remember(view) {
  const open = openCheckout();
  if (!open?.key || view.session?.id !== open.session) return;
  if (view.state === 'paid') forgetCheckout();
  else if (view.state === 'failed' || view.state === 'expired') keep({ order: open.order });
}

/**
 * What a GetSession answer means for the customer:
 * paid | review | pending | action | failed | expired | waiting (nothing known yet) | unknown.
 * Only `paid` confirms the order: Fintoc said the payment succeeded for exactly its amount.
 */
export function describe(session) {
  const payment = session.payment_status;
  if (session.paid === true) return { state: 'paid', final: true };
  // Money moved, but not as ordered (another amount, or after the checkout expired): the shop
  // looks at it; do not confirm the order.
  if (session.attention) return { state: 'review', final: true };
  if (payment === 'succeeded') return { state: 'waiting', final: false };
  if (payment === 'failed' || payment === 'rejected') return { state: 'failed', final: true };
  if (payment === 'requires_action') return { state: 'action', final: false, nextAction: session.next_action };
  if (payment === 'pending') return { state: 'pending', final: false };
  // An expired checkout whose payment has no outcome yet (created, in_progress, or a status
  // Fintoc adds) is not over: the transfer may still complete, and the server keeps the order's
  // checkout until it settles (CheckoutSession.endedUnpaid). So does the store.
  if (payment === 'expired' || (session.status === 'expired' && payment == null)) return { state: 'expired', final: true };
  return { state: 'waiting', final: false };
}

/**
 * Polls GET /checkout-sessions/{id} and calls onChange(view) whenever the state changes, until it is
 * final or `timeoutMs` passes; keeps the open checkout in storage as long as it may still be paid.
 * Returns a function that stops polling.
 */
export function watchSession(api, id, onChange, { intervalMs = 1500, timeoutMs = 10 * 60 * 1000 } = {}) {
  let stopped = false;
  let last = '';
  const deadline = Date.now() + timeoutMs;
  const tick = async () => {
    if (stopped) return;
    let view;
    try {
      const response = await fetch(`${api}/checkout-sessions/${encodeURIComponent(id)}`);
      const body = await response.json().catch(() => ({}));
      view = response.ok ? { ...describe(body), session: body }
        : { state: response.status === 404 ? 'unknown' : 'retrying', final: response.status === 404, error: body.error };
    } catch (networkError) {
      view = { state: 'retrying', final: false };
    }
    remember(view);
    const signature = JSON.stringify([view.state, view.session?.updated_at]);
    if (signature !== last) {
      last = signature;
      onChange(view);
    }
    if (!view.final && Date.now() < deadline) setTimeout(tick, intervalMs);
  };
  tick();
  return () => { stopped = true; };
}

/** CLP has no minor unit; MXN amounts are in centavos. */
export function formatMoney(amount, currency) {
  const units = currency === 'MXN' ? amount / 100 : amount;
  return new Intl.NumberFormat(currency === 'MXN' ? 'es-MX' : 'es-CL', { style: 'currency', currency }).format(units);
}
