// The storefront side of fintoc-checkout-lambda, in one small module a merchant can copy.
//
//   import { loadPrices, startCheckout, watchSession } from './checkout.js';
//   const prices = await loadPrices(api);            // what the shop sells, at the prices it charges
//   await startCheckout(api, { line_items: [{ price: prices[0].id, quantity: 1 }], success_url, cancel_url });
//   watchSession(api, sessionId, (view) => render(view));   // on the success page
//
// The browser never sends an amount: the server prices the order from its catalog (or from an
// order your backend signed, sent as { order_token }). The success page never trusts the
// redirect alone: it asks the API until the order is paid, or will not be.

const STORAGE_KEY = 'fintoc-checkout';

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
 * Creates the checkout session and sends the browser to Fintoc's hosted page. One random
 * Idempotency-Key per order, kept across retries, so a double click or a retried request makes
 * one session. (An order_token is scoped by its order_id on the server; the key does no harm.)
 */
export async function startCheckout(api, order) {
  // The order this key belongs to: the store's order label, or the signed order itself.
  const orderName = order.metadata?.order_id ?? order.order_token ?? crypto.randomUUID();
  const keyName = `${STORAGE_KEY}:key:${orderName}`;
  const idempotencyKey = sessionStorage.getItem(keyName) || crypto.randomUUID();
  sessionStorage.setItem(keyName, idempotencyKey);

  const response = await fetch(`${api}/checkout-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(order),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error?.message || `The payment could not start (HTTP ${response.status}).`;
    throw Object.assign(new Error(message), { status: response.status, body });
  }
  sessionStorage.setItem(`${STORAGE_KEY}:session`, body.id);
  location.assign(body.redirect_url);
}

/** The session this browser last started, or ?session=… */
export function lastSessionId() {
  return new URLSearchParams(location.search).get('session') || sessionStorage.getItem(`${STORAGE_KEY}:session`);
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
  if (session.status === 'expired' || payment === 'expired') return { state: 'expired', final: true };
  return { state: 'waiting', final: false };
}

/**
 * Polls GET /checkout-sessions/{id} and calls onChange(view) whenever the state changes, until it is
 * final or `timeoutMs` passes. Returns a function that stops polling.
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
